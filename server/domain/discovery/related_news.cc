#include "server/domain/discovery/related_news.h"

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

// Document frequencies as read from term_document_frequencies: a term not counted yet is in
// this article only.
std::function<int64_t(const std::string&)> FrequencyLookup(
    const std::unordered_map<std::string, int64_t>& frequencies) {
  return [&frequencies](const std::string& term) {
    const auto it = frequencies.find(term);
    return it == frequencies.end() ? int64_t{1} : std::max<int64_t>(1, it->second);
  };
}

bool BetterMatch(const storage::ScoredArticle& a, const storage::ScoredArticle& b) {
  return a.score != b.score ? a.score > b.score : a.article_id < b.article_id;
}

struct ComputedList {
  // Text matches scoring at least kMinRelatedScore, best first.
  std::vector<storage::ScoredArticle> matches;
  // What is stored: the best kRelatedListSize matches, topped up by the fallback.
  std::vector<storage::ScoredArticle> list;
};

// The related list of an article stored with `terms`, scored with the document frequencies of
// now. `frequencies` holds those already read and gains those read here.
ComputedList ComputeList(storage::RelatedStore& store, const storage::IndexedArticle& article,
                         const std::vector<storage::TermFrequency>& terms, int64_t documents,
                         std::unordered_map<std::string, int64_t>& frequencies) {
  std::vector<std::string> unread;
  for (const auto& term : terms) {
    if (frequencies.count(term.term) == 0) unread.push_back(term.term);
  }
  frequencies.merge(store.DocumentFrequencies(unread));
  const auto frequency = FrequencyLookup(frequencies);
  const std::vector<storage::WeightedTerm> own = TfIdfVector(terms, frequency, documents);

  // The database picks candidates roughly; their exact scores need their own vectors.
  const std::vector<int64_t> candidates = store.CandidateArticles(
      article.id, own, MaxCandidateDocumentFrequency(documents), kCandidateLimit);
  std::unordered_map<int64_t, std::vector<storage::TermFrequency>> candidate_terms =
      store.TermsOf(candidates);
  unread.clear();
  for (const auto& [id, their_terms] : candidate_terms) {
    for (const auto& term : their_terms) {
      if (frequencies.count(term.term) == 0) unread.push_back(term.term);
    }
  }
  std::sort(unread.begin(), unread.end());
  unread.erase(std::unique(unread.begin(), unread.end()), unread.end());
  frequencies.merge(store.DocumentFrequencies(unread));

  ComputedList computed;
  for (const auto& [id, their_terms] : candidate_terms) {
    const double score = Cosine(own, TfIdfVector(their_terms, frequency, documents));
    if (score >= kMinRelatedScore) computed.matches.push_back(storage::ScoredArticle{id, score});
  }
  std::sort(computed.matches.begin(), computed.matches.end(), BetterMatch);
  computed.list.assign(computed.matches.begin(),
                       computed.matches.begin() +
                           std::min<size_t>(computed.matches.size(), kRelatedListSize));
  if (computed.list.size() < kFallbackBelow) {
    for (int64_t id : store.SameTagOrCategory(article.id, article.tags, article.category_id,
                                              kRelatedListSize)) {
      if (computed.list.size() >= static_cast<size_t>(kRelatedListSize)) break;
      const bool listed = std::any_of(computed.list.begin(), computed.list.end(),
                                      [id](const auto& entry) { return entry.article_id == id; });
      if (!listed) computed.list.push_back(storage::ScoredArticle{id, 0});
    }
  }
  return computed;
}

}  // namespace

std::unordered_map<std::string, double> ExtractTerms(const text::ArticleWords& words) {
  std::unordered_map<std::string, double> counts;
  AddTerms(words.title, kTitleWeight, counts);
  AddTerms(words.summary, kSummaryWeight, counts);
  AddTerms(words.body, kBodyWeight, counts);
  return counts;
}

std::vector<storage::TermFrequency> MostFrequentTerms(
    const std::unordered_map<std::string, double>& term_counts,
    const std::function<int64_t(const std::string&)>& document_frequency, size_t limit) {
  struct Ranked {
    storage::TermFrequency term;
    int64_t documents;
  };
  std::vector<Ranked> ranked;
  ranked.reserve(term_counts.size());
  for (const auto& [term, count] : term_counts) {
    ranked.push_back(Ranked{storage::TermFrequency{term, count}, document_frequency(term)});
  }
  const size_t kept = std::min(limit, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + kept, ranked.end(),
                    [](const Ranked& a, const Ranked& b) {
                      if (a.term.frequency != b.term.frequency) {
                        return a.term.frequency > b.term.frequency;
                      }
                      if (a.documents != b.documents) return a.documents < b.documents;
                      return a.term.term < b.term.term;
                    });
  std::vector<storage::TermFrequency> terms;
  terms.reserve(kept);
  for (size_t i = 0; i < kept; ++i) terms.push_back(std::move(ranked[i].term));
  return terms;
}

std::vector<storage::WeightedTerm> TfIdfVector(
    const std::vector<storage::TermFrequency>& terms,
    const std::function<int64_t(const std::string&)>& document_frequency, int64_t documents) {
  std::vector<storage::WeightedTerm> weighted;
  weighted.reserve(terms.size());
  double norm = 0;
  for (const auto& term : terms) {
    const double idf =
        std::log((documents + 1.0) / (static_cast<double>(document_frequency(term.term)) + 1.0)) +
        1.0;
    const double weight = (1.0 + std::log(std::max(1.0, term.frequency))) * idf;
    norm += weight * weight;
    weighted.push_back(storage::WeightedTerm{term.term, weight});
  }
  norm = std::sqrt(norm);
  for (auto& term : weighted) term.weight /= norm;
  std::sort(weighted.begin(), weighted.end(),
            [](const auto& a, const auto& b) { return a.term < b.term; });
  return weighted;
}

double Cosine(const std::vector<storage::WeightedTerm>& a,
              const std::vector<storage::WeightedTerm>& b) {
  double dot = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (i->term < j->term) {
      ++i;
    } else if (j->term < i->term) {
      ++j;
    } else {
      dot += (i++)->weight * (j++)->weight;
    }
  }
  return dot;
}

int64_t MaxCandidateDocumentFrequency(int64_t documents) {
  return std::max<int64_t>(100, documents / 1000);
}

void LockRelatedIndex(pqxx::transaction_base& tx) { storage::RelatedStore(tx).LockIndex(); }

void IndexRelatedNews(pqxx::transaction_base& tx, const ArticleText& article, bool first_time) {
  storage::RelatedStore store(tx);
  store.LockIndex();
  const std::unordered_map<std::string, double> counts = ExtractTerms(article.words);
  std::vector<std::string> distinct;
  distinct.reserve(counts.size());
  for (const auto& [term, count] : counts) distinct.push_back(term);
  if (first_time) store.AddDocumentFrequencies(distinct, std::vector<int64_t>(distinct.size(), 1));
  const int64_t documents = first_time ? store.AddToDocumentCount(1) : store.DocumentCount();
  std::unordered_map<std::string, int64_t> frequencies = store.DocumentFrequencies(distinct);
  const std::vector<storage::TermFrequency> terms =
      MostFrequentTerms(counts, FrequencyLookup(frequencies), kStoredTermsPerArticle);
  store.ReplaceTerms(article.id, terms);

  const ComputedList computed = ComputeList(
      store, storage::IndexedArticle{article.id, article.category_id, article.tags, "", "", {}},
      terms, documents, frequencies);
  store.ReplaceList(article.id, computed.list);
  store.MarkFresh(article.id, documents);
  store.OfferToLists(article.id, computed.matches, kRelatedListSize);
}

int RefreshStaleRelatedLists(pqxx::transaction_base& tx, int limit) {
  storage::RelatedStore store(tx);
  store.LockIndex();
  const int64_t documents = store.DocumentCount();
  const std::vector<storage::IndexedArticle> stale =
      store.LockStaleLists(documents / kStaleListGrowth, limit);
  std::vector<int64_t> ids;
  ids.reserve(stale.size());
  for (const auto& article : stale) ids.push_back(article.id);
  std::unordered_map<int64_t, std::vector<storage::TermFrequency>> terms = store.TermsOf(ids);
  std::unordered_map<std::string, int64_t> frequencies;
  for (const auto& article : stale) {
    const ComputedList computed =
        ComputeList(store, article, terms[article.id], documents, frequencies);
    store.ReplaceList(article.id, computed.list);
    store.MarkFresh(article.id, documents);
  }
  return static_cast<int>(stale.size());
}

int64_t ReindexRelatedTerms(pqxx::transaction_base& tx, int64_t after_id, int limit) {
  storage::RelatedStore store(tx);
  store.LockIndex();
  const std::vector<storage::IndexedArticle> articles = store.ArticlesAfter(after_id, limit);
  if (articles.empty()) return 0;
  std::vector<std::unordered_map<std::string, double>> counts;
  counts.reserve(articles.size());
  std::vector<std::string> distinct;
  for (const auto& article : articles) {
    counts.push_back(ExtractTerms(
        text::SplitArticleWords(article.title, article.summary, article.body_paragraphs)));
    for (const auto& [term, count] : counts.back()) distinct.push_back(term);
  }
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const std::unordered_map<std::string, int64_t> frequencies = store.DocumentFrequencies(distinct);
  for (size_t i = 0; i < articles.size(); ++i) {
    store.ReplaceTerms(articles[i].id, MostFrequentTerms(counts[i], FrequencyLookup(frequencies),
                                                         kStoredTermsPerArticle));
    store.MarkFresh(articles[i].id, 0);
  }
  return articles.back().id;
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
  store.LockIndex();
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
  std::vector<std::pair<int64_t, storage::TermFrequency>> term_rows;
  std::vector<int64_t> ids;
  ids.reserve(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    const std::vector<storage::TermFrequency> terms =
        MostFrequentTerms(entries_[i].term_counts, frequency, kStoredTermsPerArticle);
    entries_[i].term_counts.clear();
    vectors[i] = TfIdfVector(terms, frequency, documents);
    for (const auto& term : vectors[i]) postings[term.term].emplace_back(i, term.weight);
    for (const auto& term : terms) term_rows.emplace_back(entries_[i].text.id, term);
    ids.push_back(entries_[i].text.id);
  }
  store.CopyTerms(term_rows);
  term_rows.clear();
  store.CopyFreshness(ids, documents);

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
  std::vector<double> partial_scores(entries_.size(), 0);
  std::vector<size_t> touched;
  for (size_t i = 0; i < entries_.size(); ++i) {
    for (size_t other : touched) partial_scores[other] = 0;
    touched.clear();
    // As in the database: candidates are found and roughly ranked by the rarer terms, then
    // scored exactly.
    for (const auto& term : vectors[i]) {
      if (frequency(term.term) > max_frequency) continue;
      for (const auto& [other, weight] : postings[term.term]) {
        if (other == i) continue;
        if (partial_scores[other] == 0) touched.push_back(other);
        partial_scores[other] += term.weight * weight;
      }
    }
    std::vector<std::pair<double, size_t>> candidates;
    candidates.reserve(touched.size());
    for (size_t other : touched) candidates.emplace_back(partial_scores[other], other);
    const size_t considered = std::min<size_t>(candidates.size(), kCandidateLimit);
    std::partial_sort(candidates.begin(), candidates.begin() + considered, candidates.end(),
                      [&](const auto& a, const auto& b) {
                        return a.first != b.first
                                   ? a.first > b.first
                                   : entries_[a.second].text.id < entries_[b.second].text.id;
                      });
    std::vector<storage::ScoredArticle> ranked;
    for (size_t c = 0; c < considered; ++c) {
      const size_t other = candidates[c].second;
      const double score = Cosine(vectors[i], vectors[other]);
      if (score < kMinRelatedScore) continue;
      ranked.push_back(storage::ScoredArticle{entries_[other].text.id, score});
    }
    const size_t kept = std::min<size_t>(ranked.size(), kRelatedListSize);
    std::partial_sort(ranked.begin(), ranked.begin() + kept, ranked.end(), BetterMatch);
    ranked.resize(kept);
    std::unordered_set<int64_t> listed;
    for (const auto& match : ranked) {
      related_rows.push_back({entries_[i].text.id, match.article_id, match.score});
      listed.insert(match.article_id);
    }
    if (ranked.size() < kFallbackBelow) {
      for (size_t other : by_category[entries_[i].text.category_id]) {
        if (listed.size() >= static_cast<size_t>(kRelatedListSize)) break;
        if (other == i || !listed.insert(entries_[other].text.id).second) continue;
        related_rows.push_back({entries_[i].text.id, entries_[other].text.id, 0});
      }
    }
  }
  store.CopyRelated(related_rows);
  entries_.clear();
}

}  // namespace news
