#include "server/importer/corpus_generator.h"

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <future>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/domain/comments/comment_validation.h"
#include "server/domain/discovery/related_news.h"
#include "server/domain/newsroom/article_lifecycle.h"
#include "server/storage/articles/article_counter_store.h"
#include "server/storage/articles/category_store.h"
#include "server/storage/articles/corpus_store.h"
#include "server/storage/articles/source_store.h"
#include "server/storage/prepared_statements.h"
#include "server/text/search_document.h"
#include "server/text/unicode_text.h"

namespace news::importer {
namespace {

// SplitMix64: the same sequence on every platform and standard library, unlike the
// distributions of <random>.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
  template <typename T>
  const T& Pick(const std::vector<T>& values) {
    return values[Below(values.size())];
  }

 private:
  uint64_t state_;
};

struct CategoryVocabulary {
  const char* name;
  std::vector<std::string> topics;
};

const std::vector<CategoryVocabulary>& Categories() {
  static const auto* categories = new std::vector<CategoryVocabulary>{
      {"Kinh tế",
       {"xuất khẩu", "đầu tư", "doanh nghiệp", "ngân hàng", "lãi suất", "thị trường", "chứng khoán",
        "bất động sản", "giá vàng", "thương mại điện tử", "khu công nghiệp"}},
      {"Giáo dục",
       {"học sinh", "giáo viên", "tuyển sinh", "đại học", "kỳ thi", "sách giáo khoa", "học phí",
        "trường học", "học bổng", "chương trình phổ thông"}},
      {"Y tế",
       {"bệnh viện", "bác sĩ", "tiêm chủng", "dịch sốt xuất huyết", "bảo hiểm y tế",
        "khám chữa bệnh", "thuốc men", "trạm y tế", "an toàn thực phẩm"}},
      {"Thể thao",
       {"bóng đá", "đội tuyển", "huấn luyện viên", "giải đấu", "cầu thủ", "vô địch", "sân vận động",
        "điền kinh", "bóng chuyền", "cờ vua"}},
      {"Nông nghiệp",
       {"lúa gạo", "cà phê", "thủy sản", "hợp tác xã", "nông dân", "phân bón", "thu hoạch",
        "sầu riêng", "chăn nuôi", "giống cây trồng"}},
      {"Du lịch",
       {"du khách", "khách sạn", "di tích", "lễ hội", "bãi biển", "ẩm thực", "homestay",
        "tour trải nghiệm", "hang động"}},
      {"Pháp luật",
       {"công an", "tòa án", "vụ án", "điều tra", "lừa đảo", "ma túy", "khởi tố", "buôn lậu",
        "tai nạn giao thông"}},
      {"Xã hội",
       {"giao thông", "nhà ở xã hội", "việc làm", "người lao động", "an sinh", "thiên tai",
        "lũ lụt", "nước sạch", "môi trường"}},
      {"Văn hóa",
       {"nghệ thuật", "âm nhạc", "điện ảnh", "di sản", "bảo tàng", "sân khấu", "nghệ nhân",
        "làng nghề", "thư viện"}},
      {"Khoa học",
       {"công nghệ số", "chuyển đổi số", "trí tuệ nhân tạo", "khởi nghiệp", "phần mềm",
        "viễn thông", "vệ tinh", "năng lượng tái tạo"}},
  };
  return *categories;
}

const std::vector<std::string>& Sources() {
  static const auto* sources = new std::vector<std::string>{"Báo Tin Mới",
                                                            "Cổng thông tin điện tử tỉnh",
                                                            "Đài Phát thanh và Truyền hình",
                                                            "Sở Thông tin và Truyền thông",
                                                            "Thông tấn xã",
                                                            "Báo Lao Động Trẻ",
                                                            "Tạp chí Kinh tế",
                                                            "Báo Sức Khỏe Cộng Đồng"};
  return *sources;
}

const std::vector<std::string>& Places() {
  static const auto* places = new std::vector<std::string>{
      "Hà Nội",     "Hải Phòng", "Đà Nẵng",   "Cần Thơ",  "Huế",        "Nghệ An",  "Thanh Hóa",
      "Quảng Ninh", "Lâm Đồng",  "Đắk Lắk",   "Gia Lai",  "Bình Dương", "Đồng Nai", "Kiên Giang",
      "Cà Mau",     "Lào Cai",   "Hà Giang",  "Bắc Ninh", "Khánh Hòa",  "An Giang", "Quảng Nam",
      "Bến Tre",    "Vĩnh Long", "Ninh Bình", "Phú Yên",  "Tây Ninh",   "Hòa Bình", "Yên Bái"};
  return *places;
}

const std::vector<std::string>& Events() {
  static const auto* events = new std::vector<std::string>{
      "khánh thành", "ký kết",      "khởi công", "tổng kết", "phát động", "kiểm tra",
      "hội thảo về", "tập huấn về", "ra mắt",    "công bố",  "đẩy mạnh",  "tháo gỡ vướng mắc"};
  return *events;
}

const std::vector<std::string>& Surnames() {
  static const auto* names = new std::vector<std::string>{
      "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"};
  return *names;
}

const std::vector<std::string>& MiddleNames() {
  static const auto* names =
      new std::vector<std::string>{"Văn", "Thị", "Minh", "Quốc", "Thanh", "Đức", "Hữu", "Ngọc"};
  return *names;
}

const std::vector<std::string>& GivenNames() {
  static const auto* names = new std::vector<std::string>{
      "An",   "Bình", "Cường", "Dũng", "Hà",   "Hùng", "Lan",  "Mai",  "Nam",  "Phong",
      "Quân", "Sơn",  "Tâm",   "Tuấn", "Việt", "Hạnh", "Khoa", "Linh", "Thảo", "Trung"};
  return *names;
}

// Syllables for the made-up proper names that make each story distinct (projects, firms).
const std::vector<std::string>& NameSyllables() {
  static const auto* syllables = new std::vector<std::string>{
      "Phú", "Long", "Thịnh", "Hưng", "Phát", "Tân", "Thành", "Hòa",  "Bình", "Minh", "Khang",
      "An",  "Gia",  "Vĩnh",  "Kim",  "Lộc",  "Hải", "Sơn",   "Đông", "Nam",  "Tiến", "Hợp"};
  return *syllables;
}

const std::vector<std::string>& StoryKinds() {
  static const auto* kinds = new std::vector<std::string>{
      "Dự án", "Công ty", "Chương trình", "Khu đô thị", "Hợp tác xã", "Quỹ", "Trung tâm"};
  return *kinds;
}

const std::vector<std::string>& SentenceStarts() {
  static const auto* starts = new std::vector<std::string>{
      "Theo",     "Trong",     "Hiện nay,", "Năm nay,", "Bên cạnh đó,",
      "Đến nay,", "Trước đó,", "Cũng theo", "Dự kiến,", "Tại buổi làm việc,"};
  return *starts;
}

const std::vector<std::string>& Fillers() {
  static const auto* fillers = new std::vector<std::string>{"trong thời gian qua",
                                                            "theo báo cáo",
                                                            "cho biết",
                                                            "tiếp tục",
                                                            "triển khai",
                                                            "kế hoạch",
                                                            "vừa qua",
                                                            "người dân",
                                                            "địa phương",
                                                            "cơ quan chức năng",
                                                            "hiệu quả",
                                                            "phát triển",
                                                            "nâng cao",
                                                            "tăng cường",
                                                            "giải pháp",
                                                            "quan trọng",
                                                            "khó khăn",
                                                            "kết quả",
                                                            "tích cực",
                                                            "đồng thời",
                                                            "thực hiện",
                                                            "góp phần",
                                                            "bảo đảm",
                                                            "tổ chức",
                                                            "lãnh đạo",
                                                            "ghi nhận",
                                                            "đề xuất",
                                                            "chỉ đạo",
                                                            "các ngành",
                                                            "sớm hoàn thành",
                                                            "trong năm",
                                                            "so với cùng kỳ"};
  return *fillers;
}

const std::vector<std::string>& CommentPhrases() {
  static const auto* phrases = new std::vector<std::string>{"Bài viết rất hay",
                                                            "Cảm ơn tác giả",
                                                            "Mong chính quyền sớm giải quyết",
                                                            "Thông tin hữu ích",
                                                            "Tôi hoàn toàn đồng ý",
                                                            "Cần kiểm tra lại số liệu",
                                                            "Chúc mừng địa phương",
                                                            "Hy vọng sẽ làm tốt hơn",
                                                            "Người dân rất phấn khởi",
                                                            "Nên có thêm nhiều bài như thế này"};
  return *phrases;
}

struct Story {
  size_t category;
  std::string place;
  std::string person;
  std::string name;  // "Dự án Phú Long"
  std::vector<std::string> topics;
  std::string event;
  absl::Time time;
};

std::string PersonName(Random& random) {
  return absl::StrCat(random.Pick(Surnames()), " ", random.Pick(MiddleNames()), " ",
                      random.Pick(GivenNames()));
}

Story NewStory(Random& random, absl::Time latest) {
  Story story;
  story.category = random.Below(Categories().size());
  story.place = random.Pick(Places());
  story.person = PersonName(random);
  story.name = absl::StrCat(random.Pick(StoryKinds()), " ", random.Pick(NameSyllables()), " ",
                            random.Pick(NameSyllables()));
  const auto& topics = Categories()[story.category].topics;
  for (int i = 0; i < 3; ++i) story.topics.push_back(random.Pick(topics));
  story.event = random.Pick(Events());
  // Newer stories are more frequent: sqrt skews the age towards zero.
  const double age_days = 730.0 * std::sqrt(random.Unit()) * random.Unit();
  story.time = latest - absl::Seconds(static_cast<int64_t>(age_days * 86400));
  return story;
}

std::string Sentence(Random& random, const Story& story) {
  std::vector<std::string> chunks{random.Pick(SentenceStarts())};
  const size_t length = 6 + random.Below(8);
  for (size_t i = 0; i < length; ++i) {
    const size_t kind = random.Below(10);
    if (kind < 4) {
      chunks.push_back(random.Pick(Fillers()));
    } else if (kind < 7) {
      chunks.push_back(random.Pick(story.topics));
    } else if (kind == 7) {
      chunks.push_back(story.place);
    } else if (kind == 8) {
      chunks.push_back(story.name);
    } else {
      chunks.push_back(random.Pick(Categories()[story.category].topics));
    }
  }
  return absl::StrCat(absl::StrJoin(chunks, " "), ".");
}

std::string Title(Random& random, const Story& story) {
  switch (random.Below(4)) {
    case 0:
      return absl::StrCat(story.place, ": ", story.event, " ", story.topics[0], " ", story.name);
    case 1:
      return absl::StrCat(story.name, " ", story.event, " ", story.topics[1], " tại ", story.place);
    case 2:
      return absl::StrCat("Ông ", story.person, ": ", story.topics[0], " và ", story.topics[2],
                          " ở ", story.place);
    default:
      return absl::StrCat(story.place, " ", story.event, " ", story.topics[2], ", ",
                          random.Pick(Fillers()));
  }
}

std::string Sha256Hex(absl::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  std::string hex;
  for (unsigned char byte : digest) absl::StrAppendFormat(&hex, "%02x", byte);
  return hex;
}

struct CorpusBatch {
  std::vector<storage::GeneratedArticle> articles;
  std::vector<storage::GeneratedComment> comments;
  RelatedNewsBatch related;
};

// Makes the corpus batch after batch, in order, from one random sequence.
class CorpusBatchMaker {
 public:
  CorpusBatchMaker(const CorpusOptions& options, std::vector<int64_t> ids,
                   std::vector<int64_t> category_ids, std::vector<int64_t> source_ids,
                   bool with_comments)
      : options_(options),
        ids_(std::move(ids)),
        category_ids_(std::move(category_ids)),
        source_ids_(std::move(source_ids)),
        random_(options.seed),
        comments_per_article_(options.articles, 0) {
    // Comments go to articles in proportion to a heavy-tailed popularity.
    if (with_comments && options.articles > 0) {
      for (int64_t i = 0; i < options.comments; ++i) {
        const double skew = random_.Unit();
        ++comments_per_article_[static_cast<size_t>(skew * skew * skew * options.articles)];
      }
    }
  }

  CorpusBatch Next() {
    CorpusBatch batch;
    const int64_t count = std::min(options_.batch_size, options_.articles - next_index_);
    batch.articles.reserve(count);
    for (int64_t n = 0; n < count; ++n, ++next_index_) {
      if (story_left_ == 0) {
        story_ = NewStory(random_, options_.latest_publish_time);
        // Mostly small stories, some long-running ones.
        story_left_ = 1 + static_cast<int64_t>(std::pow(random_.Unit(), 3) * 30);
      }
      --story_left_;
      batch.articles.push_back(MakeArticle(next_index_, batch));
    }
    return batch;
  }

 private:
  storage::GeneratedArticle MakeArticle(int64_t index, CorpusBatch& batch) {
    const Story& story = story_;
    Random& random = random_;
    storage::GeneratedArticle article;
    article.id = ids_[index];
    article.import_key = absl::StrCat("generated:", options_.seed, ":", index);
    article.title = Title(random, story);
    article.slug = absl::StrCat(text::Slugify(article.title, 60), "-", options_.seed, "-", index);
    article.summary = Sentence(random, story);
    const size_t paragraphs = 2 + random.Below(3);
    for (size_t p = 0; p < paragraphs; ++p) {
      const size_t sentences = 1 + random.Below(3);
      std::vector<std::string> paragraph;
      for (size_t s = 0; s < sentences; ++s) paragraph.push_back(Sentence(random, story));
      article.body_paragraphs.push_back(absl::StrJoin(paragraph, " "));
    }
    article.author = PersonName(random);
    article.source_id = source_ids_[random.Below(source_ids_.size())];
    article.category_id = category_ids_[story.category];
    article.tags = {story.topics[0], story.place};
    const absl::Time published =
        std::min(options_.latest_publish_time,
                 story.time + absl::Minutes(static_cast<int64_t>(random.Below(36 * 60))));
    article.publish_time_micros = absl::ToUnixMicros(published);
    article.state = StateForPublishTime(published, absl::Now());
    article.view_count = static_cast<int64_t>(std::pow(random.Unit(), 4) * 50000);
    article.comment_count = comments_per_article_[index];
    text::ArticleWords words =
        text::SplitArticleWords(article.title, article.summary, article.body_paragraphs);
    article.search_document = text::SearchDocument(words, published);
    batch.related.Add(ArticleText{article.id, std::move(words), article.category_id, article.tags},
                      article.publish_time_micros);
    for (int64_t c = 0; c < article.comment_count; ++c) {
      const std::string body = absl::StrCat(random.Pick(CommentPhrases()), " về ", story.topics[0],
                                            " ở ", story.place, ".");
      batch.comments.push_back(storage::GeneratedComment{
          article.id, absl::StrCat("generated:", random.Below(5000)),
          absl::StrCat("generated-", options_.seed, "-", index, "-", c), PersonName(random), body,
          Sha256Hex(DuplicateKey(body)),
          article.publish_time_micros + static_cast<int64_t>(random.Below(72 * 3600)) * 1000000});
    }
    return article;
  }

  const CorpusOptions& options_;
  const std::vector<int64_t> ids_;
  const std::vector<int64_t> category_ids_;
  const std::vector<int64_t> source_ids_;
  Random random_;
  std::vector<int64_t> comments_per_article_;
  Story story_;
  int64_t story_left_ = 0;
  int64_t next_index_ = 0;
};

}  // namespace

absl::StatusOr<CorpusOutcome> GenerateCorpus(pqxx::connection& db, const CorpusOptions& options,
                                             const std::function<void(int64_t)>& progress) {
  if (options.articles < 0 || options.comments < 0 || options.batch_size <= 0) {
    return absl::InvalidArgumentError("article and comment counts must not be negative");
  }
  const std::string key_prefix = absl::StrCat("generated:", options.seed, ":");
  std::vector<int64_t> category_ids;
  std::vector<int64_t> source_ids;
  bool with_comments = false;
  storage::PrepareStatements(db);
  {
    pqxx::work tx(db);
    storage::CorpusStore corpus(tx);
    if (corpus.ImportKeyExists(absl::StrCat(key_prefix, 0))) {
      return absl::AlreadyExistsError(
          absl::StrCat("the corpus of seed ", options.seed, " is already in this database"));
    }
    with_comments = options.comments > 0 && corpus.HasCommentsTable();
    storage::CategoryStore categories(tx);
    storage::SourceStore sources(tx);
    for (const auto& category : Categories()) {
      category_ids.push_back(categories.Ensure(text::Slugify(category.name), category.name));
    }
    for (const auto& source : Sources()) {
      source_ids.push_back(sources.Ensure(text::Slugify(source), source));
    }
    tx.commit();
  }

  std::vector<int64_t> ids;
  {
    pqxx::work tx(db);
    ids = storage::CorpusStore(tx).ReserveArticleIds(options.articles);
    tx.commit();
  }
  CorpusBatchMaker maker(options, std::move(ids), std::move(category_ids), std::move(source_ids),
                         with_comments);
  CorpusOutcome outcome;
  // The next batch is made on another thread while the database ingests the current one.
  std::future<CorpusBatch> next = std::async(std::launch::async, [&] { return maker.Next(); });
  for (int64_t first = 0; first < options.articles; first += options.batch_size) {
    CorpusBatch batch = next.get();
    if (first + options.batch_size < options.articles) {
      next = std::async(std::launch::async, [&] { return maker.Next(); });
    }
    pqxx::work tx(db);
    storage::CorpusStore corpus(tx);
    corpus.CopyArticles(batch.articles);
    std::vector<storage::ArticleCounters> counters;
    counters.reserve(batch.articles.size());
    for (const storage::GeneratedArticle& article : batch.articles) {
      counters.push_back({article.id, article.view_count, article.comment_count});
    }
    // The copy made the articles' counters rows (at 0).
    storage::ArticleCounterStore(tx).Set(counters);
    if (!batch.comments.empty()) corpus.CopyComments(batch.comments);
    batch.related.Write(tx);
    tx.commit();
    outcome.articles += static_cast<int64_t>(batch.articles.size());
    outcome.comments += static_cast<int64_t>(batch.comments.size());
    if (progress) progress(outcome.articles);
  }
  return outcome;
}

}  // namespace news::importer
