#include "server/domain/newsroom/editorial_desk.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "news/v1/moderation.pb.h"
#include "server/domain/clients/admin_auth.h"
#include "server/domain/discovery/related_news.h"
#include "server/domain/newsroom/article_lifecycle.h"
#include "server/domain/status_details.h"
#include "server/storage/articles/article_blocks.h"
#include "server/storage/articles/category_store.h"
#include "server/storage/articles/source_store.h"
#include "server/storage/comments/moderation_event_store.h"
#include "server/storage/discovery/search_store.h"
#include "server/storage/newsroom/editorial_store.h"
#include "server/text/search_document.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxTitleChars = 250;
constexpr size_t kMaxSlugChars = 200;
constexpr size_t kMaxSummaryChars = 1000;
constexpr size_t kMaxAuthorChars = 100;
constexpr size_t kMaxTags = 10;
constexpr size_t kMaxTagChars = 50;
constexpr size_t kMaxUrlChars = 2000;
constexpr size_t kMaxCaptionChars = 300;
constexpr size_t kMaxBlocks = 500;
constexpr size_t kMaxBlockTextChars = 10000;
constexpr size_t kMaxReasonChars = 500;
constexpr size_t kMaxRequestIdChars = 100;
// Namespace of the advisory locks that serialise creates with one request key; every namespace
// in use is listed in docs/architecture.md, "Advisory locks".
constexpr int kCreateLockNamespace = 7306;

// Every path UpdateArticle accepts, in EditorialArticle's field order.
const std::vector<std::string>& EditablePaths() {
  static const auto* paths = new std::vector<std::string>{
      "slug", "title",       "summary", "author",   "category_id",  "source_id",
      "tags", "cover_image", "blocks",  "breaking", "publish_time", "expire_time"};
  return *paths;
}

bool IsValidTimestamp(const google::protobuf::Timestamp& time) {
  return time.seconds() >= TimeUtil::kTimestampMinSeconds &&
         time.seconds() <= TimeUtil::kTimestampMaxSeconds && time.nanos() >= 0 &&
         time.nanos() <= 999999999;
}

std::string Etag(const storage::EditorialRecord& record) {
  return absl::StrCat("\"", record.article.id(), "-", record.revision, "\"");
}

v1::EditorialArticle WithEtag(const storage::EditorialRecord& record) {
  v1::EditorialArticle article = record.article;
  article.set_etag(Etag(record));
  return article;
}

absl::Status ArticleNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("no article has id ", id));
}

// AIP-154: a stale etag is ABORTED; an empty one is no condition.
absl::Status CheckEtag(const storage::EditorialRecord& record, absl::string_view etag) {
  if (etag.empty() || etag == Etag(record)) return absl::OkStatus();
  return WithErrorReason(
      absl::AbortedError(absl::StrCat("the article changed since etag ", etag,
                                      " was read; its etag is now ", Etag(record))),
      "ETAG_MISMATCH");
}

// Normalises one reader-visible text field by the display-text rule every client-supplied text
// follows (text::NormalizeDisplayText, docs/comments.md) and checks its length: at least one
// visible character when `required`, at most `max_chars` code points.
void CheckText(FieldViolations& violations, const std::string& field, std::string& value,
               size_t max_chars, bool required, bool multiline = false) {
  absl::StatusOr<text::DisplayText> display = text::NormalizeDisplayText(
      value, multiline ? text::LineBreaks::kAllow : text::LineBreaks::kRefuse);
  if (!display.ok()) {
    violations.Add(field, display.status().message());
    return;
  }
  value = std::move(display->text);
  if ((required && display->visible_chars == 0) || display->code_points > max_chars) {
    violations.Add(field, absl::StrCat("must be ", required ? 1 : 0, " to ", max_chars,
                                       " characters, invisible ones not counted"));
  }
}

void CheckUrl(FieldViolations& violations, const std::string& field, std::string& url,
              bool required) {
  url = std::string(absl::StripAsciiWhitespace(url));
  if (url.empty() && !required) return;
  if (!(absl::StartsWith(url, "https://") || absl::StartsWith(url, "http://")) ||
      url.size() > kMaxUrlChars || !text::IsValidUtf8(url) ||
      text::HasControlCharacters(url, false) || absl::StrContains(url, " ")) {
    violations.Add(field, absl::StrCat("must be an http or https URL of at most ", kMaxUrlChars,
                                       " characters"));
  }
}

void CheckImage(FieldViolations& violations, const std::string& field, v1::Image& image,
                bool url_required) {
  CheckUrl(violations, field + ".url", *image.mutable_url(), url_required);
  CheckText(violations, field + ".caption", *image.mutable_caption(), kMaxCaptionChars, false);
  CheckText(violations, field + ".credit", *image.mutable_credit(), kMaxCaptionChars, false);
}

void CheckBlocks(FieldViolations& violations,
                 google::protobuf::RepeatedPtrField<v1::ArticleBlock>& blocks) {
  if (blocks.size() > static_cast<int>(kMaxBlocks)) {
    violations.Add("article.blocks", absl::StrCat("at most ", kMaxBlocks, " blocks"));
    return;
  }
  for (int i = 0; i < blocks.size(); ++i) {
    v1::ArticleBlock& block = blocks[i];
    const std::string field = absl::StrCat("article.blocks[", i, "]");
    switch (block.block_case()) {
      case v1::ArticleBlock::kParagraph:
        CheckText(violations, field + ".paragraph.text", *block.mutable_paragraph()->mutable_text(),
                  kMaxBlockTextChars, true, true);
        break;
      case v1::ArticleBlock::kHeading:
        CheckText(violations, field + ".heading.text", *block.mutable_heading()->mutable_text(),
                  kMaxTitleChars, true);
        break;
      case v1::ArticleBlock::kImage:
        CheckImage(violations, field + ".image", *block.mutable_image(), true);
        break;
      case v1::ArticleBlock::kQuote:
        CheckText(violations, field + ".quote.text", *block.mutable_quote()->mutable_text(),
                  kMaxBlockTextChars, true, true);
        CheckText(violations, field + ".quote.attribution",
                  *block.mutable_quote()->mutable_attribution(), kMaxAuthorChars, false);
        break;
      case v1::ArticleBlock::kLink:
        CheckUrl(violations, field + ".link.url", *block.mutable_link()->mutable_url(), true);
        CheckText(violations, field + ".link.title", *block.mutable_link()->mutable_title(),
                  kMaxTitleChars, false);
        break;
      case v1::ArticleBlock::BLOCK_NOT_SET:
        violations.Add(field, "must be a paragraph, heading, image, quote or link");
        break;
    }
  }
}

bool IsSlug(absl::string_view slug) {
  if (slug.empty() || slug.size() > kMaxSlugChars || slug.front() == '-' || slug.back() == '-') {
    return false;
  }
  return std::all_of(slug.begin(), slug.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
}

// Validates (and trims in place) the fields of `article` named by `paths`; an empty slug is
// allowed (it is made from the title).
absl::Status ValidateFields(pqxx::transaction_base& tx, v1::EditorialArticle& article,
                            const std::vector<std::string>& paths) {
  FieldViolations violations;
  const std::set<std::string> named(paths.begin(), paths.end());
  auto has = [&named](const char* path) { return named.count(path) > 0; };
  if (has("slug") && !article.slug().empty() && !IsSlug(article.slug())) {
    violations.Add("article.slug",
                   absl::StrCat("must be 1 to ", kMaxSlugChars, " of a-z, 0-9 and inner hyphens"));
  }
  if (has("title")) {
    CheckText(violations, "article.title", *article.mutable_title(), kMaxTitleChars, true);
  }
  if (has("summary")) {
    CheckText(violations, "article.summary", *article.mutable_summary(), kMaxSummaryChars, false,
              true);
  }
  if (has("author")) {
    CheckText(violations, "article.author", *article.mutable_author(), kMaxAuthorChars, false);
  }
  if (has("category_id")) {
    const std::vector<v1::Category> categories = storage::CategoryStore(tx).List();
    if (std::none_of(categories.begin(), categories.end(),
                     [&](const v1::Category& c) { return c.id() == article.category_id(); })) {
      violations.Add("article.category_id", "must be the id of a category (ListCategories)");
    }
  }
  if (has("source_id") && article.source_id() != 0) {
    const std::vector<v1::Source> sources = storage::SourceStore(tx).List();
    if (std::none_of(sources.begin(), sources.end(),
                     [&](const v1::Source& s) { return s.id() == article.source_id(); })) {
      violations.Add("article.source_id", "must be 0 or the id of a source (ListSources)");
    }
  }
  if (has("tags")) {
    std::set<std::string> seen;
    if (article.tags_size() > static_cast<int>(kMaxTags)) {
      violations.Add("article.tags", absl::StrCat("at most ", kMaxTags, " tags"));
    }
    for (int i = 0; i < article.tags_size(); ++i) {
      const std::string field = absl::StrCat("article.tags[", i, "]");
      CheckText(violations, field, *article.mutable_tags(i), kMaxTagChars, true);
      if (!seen.insert(article.tags(i)).second) violations.Add(field, "repeats a tag");
    }
  }
  if (has("cover_image")) {
    CheckImage(violations, "article.cover_image", *article.mutable_cover_image(), false);
  }
  if (has("blocks")) CheckBlocks(violations, *article.mutable_blocks());
  if (has("publish_time") && !IsValidTimestamp(article.publish_time())) {
    violations.Add("article.publish_time", "must be a valid time");
  }
  if (has("expire_time") && article.has_expire_time()) {
    if (!IsValidTimestamp(article.expire_time())) {
      violations.Add("article.expire_time", "must be a valid time");
    } else if (article.has_publish_time() && article.expire_time() <= article.publish_time()) {
      violations.Add("article.expire_time", "must be after publish_time");
    }
  }
  return violations.ToStatus();
}

// `article`'s slug: the given one (AlreadyExists when another article has it), or one made from
// the title, with the first free numeric suffix ("-2", "-3", ...) when taken.
absl::StatusOr<std::string> ChooseSlug(storage::EditorialStore& store,
                                       const v1::EditorialArticle& article) {
  if (!article.slug().empty()) {
    if (store.SlugTaken(article.slug(), article.id())) {
      return WithErrorReason(
          absl::AlreadyExistsError(absl::StrCat("another article has slug '", article.slug(), "'")),
          "SLUG_TAKEN");
    }
    return article.slug();
  }
  std::string base = text::Slugify(article.title(), kMaxSlugChars - 8);
  if (base.empty()) base = "bai-viet";
  const std::vector<std::string> taken_list = store.SlugsLike(base);
  std::set<std::string> taken(taken_list.begin(), taken_list.end());
  if (!store.SlugTaken(base, article.id())) return base;
  for (int suffix = 2;; ++suffix) {
    std::string candidate = absl::StrCat(base, "-", suffix);
    if (taken.count(candidate) == 0) return candidate;
  }
}

// Search and related news follow the article's text and publish time, in the caller's
// transaction; readers' queries show them only while the article is published.
void Reindex(pqxx::transaction_base& tx, const v1::EditorialArticle& article, bool first_time) {
  const std::vector<std::string> paragraphs =
      storage::BlockParagraphs({article.blocks().begin(), article.blocks().end()});
  text::ArticleWords words =
      text::SplitArticleWords(article.title(), article.summary(), paragraphs);
  storage::SearchStore(tx).SetDocument(
      article.id(),
      text::SearchDocument(
          words, absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(article.publish_time()))));
  IndexRelatedNews(tx,
                   ArticleText{article.id(),
                               std::move(words),
                               article.category_id(),
                               {article.tags().begin(), article.tags().end()}},
                   first_time);
}

void Audit(pqxx::transaction_base& tx, const AdminPrincipal& principal, absl::string_view action,
           int64_t article_id, absl::string_view reason, absl::string_view detail) {
  v1::ModerationEvent event;
  event.set_actor(principal.name);
  event.set_action(std::string(action));
  event.set_article_id(article_id);
  event.set_reason(std::string(reason));
  event.set_detail(std::string(detail));
  storage::ModerationEventStore(tx).Append(event);
}

std::string Transition(ArticleState from, ArticleState to) {
  return absl::StrCat(ArticleStateName(from), " -> ", ArticleStateName(to));
}

// The article locked for a change, checked against `action` and `etag`.
absl::StatusOr<storage::EditorialRecord> LockForAction(storage::EditorialStore& store, int64_t id,
                                                       ArticleAction action,
                                                       absl::string_view etag) {
  if (id <= 0) return InvalidFieldError("id", "must be a positive article id");
  std::optional<storage::EditorialRecord> record = store.Find(id, /*for_update=*/true);
  if (!record) return ArticleNotFound(id);
  if (absl::Status state = CheckArticleAction(record->state, action); !state.ok()) return state;
  if (absl::Status fresh = CheckEtag(*record, etag); !fresh.ok()) return fresh;
  return *std::move(record);
}

// The article as stored now (after this transaction's writes), with its etag.
v1::EditorialArticle Reread(storage::EditorialStore& store, int64_t id) {
  return WithEtag(*store.Find(id, /*for_update=*/false));
}

// Copies the fields named by `paths` from `from` into `to`.
void MergeFields(const v1::EditorialArticle& from, const std::vector<std::string>& paths,
                 v1::EditorialArticle& to) {
  for (const std::string& path : paths) {
    if (path == "slug") to.set_slug(from.slug());
    if (path == "title") to.set_title(from.title());
    if (path == "summary") to.set_summary(from.summary());
    if (path == "author") to.set_author(from.author());
    if (path == "category_id") to.set_category_id(from.category_id());
    if (path == "source_id") to.set_source_id(from.source_id());
    if (path == "tags") *to.mutable_tags() = from.tags();
    if (path == "cover_image") *to.mutable_cover_image() = from.cover_image();
    if (path == "blocks") *to.mutable_blocks() = from.blocks();
    if (path == "breaking") to.set_breaking(from.breaking());
    if (path == "publish_time") *to.mutable_publish_time() = from.publish_time();
    if (path == "expire_time") {
      if (from.has_expire_time()) {
        *to.mutable_expire_time() = from.expire_time();
      } else {
        to.clear_expire_time();
      }
    }
  }
}

// AIP-134: an empty mask names the fields set in the request; "*" names them all.
absl::StatusOr<std::vector<std::string>> MaskPaths(const v1::UpdateArticleRequest& request) {
  const v1::EditorialArticle& a = request.article();
  std::vector<std::string> paths;
  if (request.update_mask().paths_size() == 0) {
    const bool set[] = {!a.slug().empty(),   !a.title().empty(),   !a.summary().empty(),
                        !a.author().empty(), a.category_id() != 0, a.source_id() != 0,
                        a.tags_size() > 0,   a.has_cover_image(),  a.blocks_size() > 0,
                        a.breaking(),        a.has_publish_time(), a.has_expire_time()};
    for (size_t i = 0; i < EditablePaths().size(); ++i) {
      if (set[i]) paths.push_back(EditablePaths()[i]);
    }
    return paths;
  }
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "*") return EditablePaths();
    if (std::find(EditablePaths().begin(), EditablePaths().end(), path) == EditablePaths().end()) {
      return InvalidFieldError("update_mask", absl::StrCat("'", path, "' cannot be updated"));
    }
    paths.push_back(path);
  }
  return paths;
}

}  // namespace

absl::StatusOr<v1::EditorialArticle> EditorialDesk::CreateArticle(
    pqxx::connection& db, absl::string_view authorization,
    const v1::CreateArticleRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kEditor);
  if (!principal.ok()) return principal.status();
  // Reindexing writes rows shared with other articles; see LockRelatedIndex.
  LockRelatedIndex(tx);
  const std::string request_id(text::TrimWhitespace(request.request_id()));
  if (request_id.empty() || request_id.size() > kMaxRequestIdChars ||
      !text::IsValidUtf8(request_id)) {
    return InvalidFieldError("request_id",
                             absl::StrCat("must be 1 to ", kMaxRequestIdChars, " characters"));
  }
  const std::string request_key = absl::StrCat(principal->token_id, "/", request_id);
  tx.exec_params("SELECT pg_advisory_xact_lock($1, hashtext($2))", kCreateLockNamespace,
                 request_key);
  storage::EditorialStore store(tx);
  if (std::optional<int64_t> existing = store.FindByRequestKey(request_key)) {
    return Reread(store, *existing);
  }

  v1::EditorialArticle article = request.article();
  article.set_id(0);
  article.clear_publish_time();
  std::vector<std::string> paths = EditablePaths();
  paths.erase(std::find(paths.begin(), paths.end(), "publish_time"));
  if (absl::Status valid = ValidateFields(tx, article, paths); !valid.ok()) return valid;
  absl::StatusOr<std::string> slug = ChooseSlug(store, article);
  if (!slug.ok()) return slug.status();
  article.set_slug(*slug);
  const int64_t id = store.InsertDraft(article, request_key);
  v1::EditorialArticle created = Reread(store, id);
  Reindex(tx, created, /*first_time=*/true);
  Audit(tx, *principal, "ARTICLE_CREATE", id, "", absl::StrCat("slug ", created.slug()));
  tx.commit();
  return created;
}

absl::StatusOr<v1::EditorialArticle> EditorialDesk::GetArticle(
    pqxx::connection& db, absl::string_view authorization,
    const v1::GetEditorialArticleRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kEditor);
  if (!principal.ok()) return principal.status();
  if (request.id() <= 0) return InvalidFieldError("id", "must be a positive article id");
  storage::EditorialStore store(tx);
  std::optional<storage::EditorialRecord> record = store.Find(request.id(), false);
  if (!record) return ArticleNotFound(request.id());
  Audit(tx, *principal, "ARTICLE_GET", request.id(), "", "");
  tx.commit();
  return WithEtag(*record);
}

absl::StatusOr<v1::ListEditorialArticlesResponse> EditorialDesk::ListArticles(
    pqxx::connection& db, absl::string_view authorization,
    const v1::ListEditorialArticlesRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kEditor);
  if (!principal.ok()) return principal.status();
  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  std::optional<ArticleState> state;
  if (request.status() != v1::ARTICLE_STATUS_UNSPECIFIED) {
    state = FromProto(request.status());
    if (!state) return InvalidFieldError("status", "unknown article status");
  }
  PageScope scope("EditorialListArticles");
  scope.Add(static_cast<int64_t>(request.status()));
  int64_t before_id = std::numeric_limits<int64_t>::max();
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys = tokens_.Decode(request.page_token(), scope, 1);
    if (!keys.ok()) return keys.status();
    before_id = (*keys)[0];
  }
  std::vector<storage::EditorialRecord> records =
      storage::EditorialStore(tx).List(state, before_id, *page_size + 1);
  const bool more = static_cast<int>(records.size()) > *page_size;
  if (more) records.resize(*page_size);
  v1::ListEditorialArticlesResponse response;
  for (const auto& record : records) *response.add_articles() = WithEtag(record);
  if (more) response.set_next_page_token(tokens_.Encode(scope, {records.back().article.id()}));
  Audit(tx, *principal, "ARTICLE_LIST", 0, "",
        state ? absl::StrCat("status ", ArticleStateName(*state)) : "");
  tx.commit();
  return response;
}

absl::StatusOr<v1::EditorialArticle> EditorialDesk::UpdateArticle(
    pqxx::connection& db, absl::string_view authorization,
    const v1::UpdateArticleRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kEditor);
  if (!principal.ok()) return principal.status();
  // Reindexing writes rows shared with other articles; see LockRelatedIndex.
  LockRelatedIndex(tx);
  absl::StatusOr<std::vector<std::string>> paths = MaskPaths(request);
  if (!paths.ok()) return paths.status();
  storage::EditorialStore store(tx);
  absl::StatusOr<storage::EditorialRecord> record = LockForAction(
      store, request.article().id(), ArticleAction::kUpdate, request.article().etag());
  if (!record.ok()) return record.status();

  v1::EditorialArticle article = record->article;
  MergeFields(request.article(), *paths, article);
  const bool reschedules =
      std::find(paths->begin(), paths->end(), "publish_time") != paths->end() &&
      article.publish_time() != record->article.publish_time();
  if (reschedules && record->state != ArticleState::kScheduled &&
      record->state != ArticleState::kPublished) {
    return WithErrorReason(absl::FailedPreconditionError(absl::StrCat(
                               "the publish time of a ", ArticleStateName(record->state),
                               " article is set by PublishArticle")),
                           "ARTICLE_STATE_CONFLICT");
  }
  std::vector<std::string> checked = *paths;
  // A new publish time must still precede the expire time.
  if (reschedules) checked.push_back("expire_time");
  if (absl::Status valid = ValidateFields(tx, article, checked); !valid.ok()) return valid;
  if (std::find(paths->begin(), paths->end(), "slug") != paths->end() || article.slug().empty()) {
    absl::StatusOr<std::string> slug = ChooseSlug(store, article);
    if (!slug.ok()) return slug.status();
    article.set_slug(*slug);
  }
  store.WriteFields(article);
  ArticleState state = record->state;
  if (reschedules) {
    state = StateForPublishTime(
        absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(article.publish_time())),
        absl::Now());
    if (state != record->state) store.SetState(article.id(), state, std::nullopt, "");
  }
  v1::EditorialArticle updated = Reread(store, article.id());
  Reindex(tx, updated, /*first_time=*/false);
  Audit(tx, *principal, "ARTICLE_UPDATE", article.id(), "",
        absl::StrCat(
            "fields ", absl::StrJoin(*paths, ","),
            state != record->state ? absl::StrCat("; ", Transition(record->state, state)) : ""));
  tx.commit();
  return updated;
}

absl::StatusOr<v1::EditorialArticle> EditorialDesk::PublishArticle(
    pqxx::connection& db, absl::string_view authorization,
    const v1::PublishArticleRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kEditor);
  if (!principal.ok()) return principal.status();
  // Reindexing writes rows shared with other articles; see LockRelatedIndex.
  LockRelatedIndex(tx);
  if (request.has_publish_time() && !IsValidTimestamp(request.publish_time())) {
    return InvalidFieldError("publish_time", "must be a valid time");
  }
  storage::EditorialStore store(tx);
  absl::StatusOr<storage::EditorialRecord> record =
      LockForAction(store, request.id(), ArticleAction::kPublish, request.etag());
  if (!record.ok()) return record.status();
  const absl::Time now = absl::Now();
  const absl::Time publish_time =
      request.has_publish_time()
          ? absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(request.publish_time()))
          : now;
  if (record->article.has_expire_time() &&
      TimeUtil::TimestampToMicroseconds(record->article.expire_time()) <=
          absl::ToUnixMicros(std::max(publish_time, now))) {
    return WithErrorReason(
        absl::FailedPreconditionError(
            "the article's expire_time is not after the publish time; update it first"),
        "ARTICLE_EXPIRE_TIME_PASSED");
  }
  const ArticleState state = StateForPublishTime(publish_time, now);
  store.SetState(request.id(), state, absl::ToUnixMicros(publish_time), "");
  v1::EditorialArticle published = Reread(store, request.id());
  // The search document marks the publish time.
  Reindex(tx, published, /*first_time=*/false);
  Audit(tx, *principal, state == ArticleState::kScheduled ? "ARTICLE_SCHEDULE" : "ARTICLE_PUBLISH",
        request.id(), "", Transition(record->state, state));
  tx.commit();
  return published;
}

absl::StatusOr<v1::EditorialArticle> EditorialDesk::UnpublishArticle(
    pqxx::connection& db, absl::string_view authorization,
    const v1::UnpublishArticleRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kEditor);
  if (!principal.ok()) return principal.status();
  std::string reason = request.reason();
  FieldViolations violations;
  CheckText(violations, "reason", reason, kMaxReasonChars, true, true);
  if (absl::Status valid = violations.ToStatus(); !valid.ok()) return valid;
  storage::EditorialStore store(tx);
  absl::StatusOr<storage::EditorialRecord> record =
      LockForAction(store, request.id(), ArticleAction::kUnpublish, request.etag());
  if (!record.ok()) return record.status();
  store.SetState(request.id(), ArticleState::kRetracted, std::nullopt, reason);
  Audit(tx, *principal, "ARTICLE_UNPUBLISH", request.id(), reason,
        Transition(record->state, ArticleState::kRetracted));
  v1::EditorialArticle retracted = Reread(store, request.id());
  tx.commit();
  return retracted;
}

absl::StatusOr<v1::EditorialArticle> EditorialDesk::DeleteArticle(
    pqxx::connection& db, absl::string_view authorization,
    const v1::DeleteArticleRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kEditor);
  if (!principal.ok()) return principal.status();
  storage::EditorialStore store(tx);
  absl::StatusOr<storage::EditorialRecord> record =
      LockForAction(store, request.id(), ArticleAction::kDelete, request.etag());
  if (!record.ok()) return record.status();
  store.SetState(request.id(), ArticleState::kDeleted, std::nullopt,
                 record->article.retract_reason());
  Audit(tx, *principal, "ARTICLE_DELETE", request.id(), "",
        Transition(record->state, ArticleState::kDeleted));
  v1::EditorialArticle deleted = Reread(store, request.id());
  tx.commit();
  return deleted;
}

}  // namespace news
