#include "server/domain/related_news.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "absl/strings/str_cat.h"

namespace news {
namespace {

constexpr double kTitleWeight = 3;
constexpr double kSummaryWeight = 2;
constexpr double kBodyWeight = 1;
// Text matches fetched per article: its own list, and the lists it may enter.
constexpr int kCandidateLimit = 100;
// Fewer text matches than this and the list is topped up from tags and category.
constexpr size_t kFallbackBelow = 5;

// Grammatical words: neither terms themselves nor halves of a bigram.
const std::unordered_set<std::string>& FunctionSyllables() {
  static const auto* syllables = new std::unordered_set<std::string>{
      "cua", "va",   "cac", "la",   "cho",   "voi", "trong", "nhung", "duoc", "co",    "mot", "de",
      "da",  "se",   "thi", "ma",   "nay",   "do",  "tai",   "ve",    "theo", "tu",    "khi", "den",
      "nhu", "tren", "sau", "cung", "con",   "o",   "bi",    "rat",   "hon",  "nhieu", "vao", "ra",
      "len", "nhat", "tat", "ca",   "khong", "hay", "hoac",  "neu",   "vi",   "boi",   "nen", "the",
      "ay",  "kia",  "van", "lai",  "moi",   "qua", "viec",  "cu",    "ngay", "thang", "nam", "so"};
  return *syllables;
}

// Syllables too common in news to mean anything alone, though they do inside a bigram
// ("nhan dan", "tinh uy").
const std::unordered_set<std::string>& CommonSyllables() {
  static const auto* syllables = new std::unordered_set<std::string>{
      "tinh", "nhan",  "dan",  "nguoi",  "cong", "tac", "thuc", "hien",   "phat", "trien",
      "xa",   "hoi",   "nuoc", "quan",   "ban",  "chi", "dong", "hoat",   "to",   "chuc",
      "tang", "cuong", "nang", "cao",    "hieu", "dai", "hoc",  "thanh",  "pho",  "trung",
      "uong", "vien",  "chu",  "truong", "kinh", "te",  "dia",  "phuong", "vu",   "cap"};
  return *syllables;
}

bool IsNumber(const std::string& word) {
  return std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void AddTerms(const std::vector<std::string>& words, double weight,
              std::unordered_map<std::string, double>& counts) {
  const auto& function_syllables = FunctionSyllables();
  const auto& common_syllables = CommonSyllables();
  const std::string* previous = nullptr;
  for (const std::string& word : words) {
    if (IsNumber(word) || word.size() < 2 || function_syllables.count(word) > 0) {
      previous = nullptr;
      continue;
    }
    if (common_syllables.count(word) == 0) counts[word] += weight;
    if (previous != nullptr) counts[absl::StrCat(*previous, " ", word)] += weight;
    previous = &word;
  }
}

std::vector<std::string> TermNames(const std::vector<storage::WeightedTerm>& terms) {
  std::vector<std::string> names;
  names.reserve(terms.size());
  for (const auto& term : terms) names.push_back(term.term);
  return names;
}

}  // namespace

std::unordered_map<std::string, double> ExtractTerms(const text::ArticleWords& words) {
  std::unordered_map<std::string, double> counts;
  AddTerms(words.title, kTitleWeight, counts);
  AddTerms(words.summary, kSummaryWeight, counts);
  AddTerms(words.body, kBodyWeight, counts);
  return counts;
}

std::vector<storage::WeightedTerm> StrongestTerms(
    const std::unordered_map<std::string, double>& term_counts,
    const std::function<int64_t(const std::string&)>& document_frequency, int64_t documents,
    size_t limit) {
  std::vector<storage::WeightedTerm> terms;
  terms.reserve(term_counts.size());
  double norm = 0;
  for (const auto& [term, count] : term_counts) {
    const double idf =
        std::log((documents + 1.0) / (static_cast<double>(document_frequency(term)) + 1.0)) + 1.0;
    const double weight = (1.0 + std::log(count)) * idf;
    norm += weight * weight;
    terms.push_back(storage::WeightedTerm{term, weight});
  }
  norm = std::sqrt(norm);
  for (auto& term : terms) term.weight /= norm;
  const size_t kept = std::min(limit, terms.size());
  std::partial_sort(terms.begin(), terms.begin() + kept, terms.end(),
                    [](const storage::WeightedTerm& a, const storage::WeightedTerm& b) {
                      return a.weight != b.weight ? a.weight > b.weight : a.term < b.term;
                    });
  terms.resize(kept);
  return terms;
}

int64_t MaxCandidateDocumentFrequency(int64_t documents) {
  return std::max<int64_t>(100, documents / 1000);
}

void IndexRelatedNews(pqxx::transaction_base& tx, const ArticleText& article, bool first_time) {
  storage::RelatedStore store(tx);
  const std::unordered_map<std::string, double> counts = ExtractTerms(article.words);
  std::vector<std::string> distinct;
  distinct.reserve(counts.size());
  for (const auto& [term, count] : counts) distinct.push_back(term);
  if (first_time) store.AddDocumentFrequencies(distinct, std::vector<int64_t>(distinct.size(), 1));
  const int64_t documents = store.AddToDocumentCount(first_time ? 1 : 0);
  const std::unordered_map<std::string, int64_t> frequencies = store.DocumentFrequencies(distinct);
  const std::vector<storage::WeightedTerm> terms = StrongestTerms(
      counts,
      [&](const std::string& term) {
        const auto it = frequencies.find(term);
        return it == frequencies.end() ? int64_t{1} : it->second;
      },
      documents, kStoredTermsPerArticle);
  store.ReplaceTerms(article.id, terms);

  std::vector<storage::ScoredArticle> matches = store.ScoreCandidates(
      article.id, terms, MaxCandidateDocumentFrequency(documents), kCandidateLimit);
  matches.erase(std::remove_if(matches.begin(), matches.end(),
                               [](const auto& m) { return m.score < kMinRelatedScore; }),
                matches.end());
  std::vector<storage::ScoredArticle> list(
      matches.begin(), matches.begin() + std::min<size_t>(matches.size(), kRelatedListSize));
  if (list.size() < kFallbackBelow) {
    for (int64_t id :
         store.SameTagOrCategory(article.id, article.tags, article.category_id, kRelatedListSize)) {
      if (list.size() >= static_cast<size_t>(kRelatedListSize)) break;
      const bool listed = std::any_of(list.begin(), list.end(),
                                      [id](const auto& entry) { return entry.article_id == id; });
      if (!listed) list.push_back(storage::ScoredArticle{id, 0});
    }
  }
  store.ReplaceList(article.id, list);
  store.OfferToLists(article.id, matches, kRelatedListSize);
}

void RelatedNewsBatch::Add(ArticleText article, int64_t publish_time_micros) {
  std::unordered_map<std::string, double> counts = ExtractTerms(article.words);
  // The words are no longer needed; dropping them keeps a large batch's memory down.
  article.words = {};
  entries_.push_back(Entry{std::move(article), publish_time_micros, std::move(counts)});
}

void RelatedNewsBatch::Write(pqxx::transaction_base& tx) {
  if (entries_.empty()) return;
  storage::RelatedStore store(tx);
  std::unordered_map<std::string, int64_t> batch_frequencies;
  for (const Entry& entry : entries_) {
    for (const auto& [term, count] : entry.term_counts) ++batch_frequencies[term];
  }
  std::vector<std::string> distinct;
  std::vector<int64_t> batch_counts;
  distinct.reserve(batch_frequencies.size());
  for (const auto& [term, documents] : batch_frequencies) {
    distinct.push_back(term);
    batch_counts.push_back(documents);
  }
  const std::unordered_map<std::string, int64_t> stored_frequencies =
      store.DocumentFrequencies(distinct);
  store.AddDocumentFrequencies(distinct, batch_counts);
  const int64_t documents = store.AddToDocumentCount(static_cast<int64_t>(entries_.size()));
  auto frequency = [&](const std::string& term) {
    const auto stored = stored_frequencies.find(term);
    return batch_frequencies[term] + (stored == stored_frequencies.end() ? 0 : stored->second);
  };

  // Inverted index of the batch: term -> (entry index, weight).
  std::vector<std::vector<storage::WeightedTerm>> vectors(entries_.size());
  std::unordered_map<std::string, std::vector<std::pair<size_t, double>>> postings;
  std::vector<std::pair<int64_t, storage::WeightedTerm>> term_rows;
  for (size_t i = 0; i < entries_.size(); ++i) {
    vectors[i] =
        StrongestTerms(entries_[i].term_counts, frequency, documents, kStoredTermsPerArticle);
    entries_[i].term_counts.clear();
    for (const auto& term : vectors[i]) {
      postings[term.term].emplace_back(i, term.weight);
      term_rows.emplace_back(entries_[i].text.id, term);
    }
  }
  store.CopyTerms(term_rows);
  term_rows.clear();

  // Newest first per category, for the fallback.
  std::unordered_map<int64_t, std::vector<size_t>> by_category;
  for (size_t i = 0; i < entries_.size(); ++i) {
    by_category[entries_[i].text.category_id].push_back(i);
  }
  for (auto& [category, members] : by_category) {
    std::sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      return entries_[a].publish_time_micros > entries_[b].publish_time_micros;
    });
  }

  const int64_t max_frequency = MaxCandidateDocumentFrequency(documents);
  std::vector<storage::RelatedPair> related_rows;
  // Dense accumulators: cheaper than a hash map per article at 100k articles.
  std::vector<double> scores(entries_.size(), 0);
  std::vector<size_t> touched;
  for (size_t i = 0; i < entries_.size(); ++i) {
    for (size_t other : touched) scores[other] = 0;
    touched.clear();
    for (const auto& term : vectors[i]) {
      if (frequency(term.term) > max_frequency) continue;
      for (const auto& [other, weight] : postings[term.term]) {
        if (other == i) continue;
        if (scores[other] == 0) touched.push_back(other);
        scores[other] += term.weight * weight;
      }
    }
    std::vector<std::pair<double, size_t>> ranked;
    for (size_t other : touched) {
      if (scores[other] >= kMinRelatedScore) ranked.emplace_back(scores[other], other);
    }
    const size_t kept = std::min<size_t>(ranked.size(), kRelatedListSize);
    std::partial_sort(
        ranked.begin(), ranked.begin() + kept, ranked.end(), [&](const auto& a, const auto& b) {
          return a.first != b.first ? a.first > b.first
                                    : entries_[a.second].text.id < entries_[b.second].text.id;
        });
    ranked.resize(kept);
    std::unordered_set<size_t> listed;
    for (const auto& [score, other] : ranked) {
      related_rows.push_back({entries_[i].text.id, entries_[other].text.id, score});
      listed.insert(other);
    }
    if (ranked.size() < kFallbackBelow) {
      for (size_t other : by_category[entries_[i].text.category_id]) {
        if (listed.size() >= static_cast<size_t>(kRelatedListSize)) break;
        if (other == i || !listed.insert(other).second) continue;
        related_rows.push_back({entries_[i].text.id, entries_[other].text.id, 0});
      }
    }
  }
  store.CopyRelated(related_rows);
  entries_.clear();
}

}  // namespace news
