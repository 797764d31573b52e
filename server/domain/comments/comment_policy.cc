#include "server/domain/comments/comment_policy.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <vector>

#include "server/domain/status_details.h"
#include "server/storage/comments/comment_policy_store.h"
#include "server/text/link_count.h"

namespace news {
namespace {

constexpr char kBannedDescription[] = "must not contain a word or phrase this site does not accept";

}  // namespace

void CommentPolicy::Invalidate() const {
  std::lock_guard lock(mutex_);
  next_check_ = absl::InfinitePast();
}

std::shared_ptr<const text::TermMatcher> CommentPolicy::matcher() const {
  std::lock_guard lock(mutex_);
  return matcher_;
}

void CommentPolicy::RefreshIfDue(pqxx::connection& db) const {
  {
    std::lock_guard lock(mutex_);
    const absl::Time now = absl::Now();
    if (now < next_check_) return;
    // One worker checks; the others go on with the matcher they have.
    next_check_ = now + refresh_interval_;
  }
  // The version is read before the terms: a change committed in between is loaded now and
  // loaded again at the next check, never missed.
  pqxx::nontransaction tx(db);
  storage::CommentPolicyStore store(tx);
  const int64_t version = store.WordListVersion();
  {
    std::lock_guard lock(mutex_);
    if (version <= loaded_version_) return;
  }
  std::vector<text::ListedTerm> terms;
  for (v1::WordListTerm& term :
       store.ListTerms(v1::WORD_LIST_UNSPECIFIED, 0, std::numeric_limits<int>::max())) {
    terms.push_back({term.list() == v1::WORD_LIST_BANNED ? text::TermList::kBanned
                                                         : text::TermList::kSuspect,
                     std::move(*term.mutable_term())});
  }
  // Built outside the lock: creates keep screening with the previous matcher meanwhile.
  auto matcher = std::make_shared<const text::TermMatcher>(terms);
  std::lock_guard lock(mutex_);
  if (version <= loaded_version_) return;
  spdlog::info("word lists loaded: version {}, {} terms", version, matcher->size());
  matcher_ = std::move(matcher);
  loaded_version_ = version;
}

absl::StatusOr<Screening> CommentPolicy::Screen(pqxx::connection& db,
                                                const CommentText& text) const {
  RefreshIfDue(db);
  const std::shared_ptr<const text::TermMatcher> terms = matcher();
  const std::optional<text::TermMatch> in_name = terms->Find(text.author_name);
  const std::optional<text::TermMatch> in_body = terms->Find(text.body);
  FieldViolations violations;
  if (in_name && in_name->list == text::TermList::kBanned) {
    violations.Add("author_name", kBannedDescription);
  }
  if (in_body && in_body->list == text::TermList::kBanned) violations.Add("body", kBannedDescription);
  if (!violations.empty()) return violations.ToStatus();

  Screening screening;
  v1::CommentHold hold;
  if (in_body || in_name) hold.set_matched_term(in_body ? in_body->term : in_name->term);
  const size_t links = text::CountLinks(text.author_name) + text::CountLinks(text.body);
  if (links > static_cast<size_t>(rules_.max_links)) hold.set_link_count(static_cast<int>(links));
  if (!hold.matched_term().empty() || hold.link_count() > 0) {
    screening.hold = std::move(hold);
    screening.state = v1::COMMENT_STATE_PENDING;
    return screening;
  }
  if (rules_.moderation == CommentModeration::kPost) {
    screening.state = v1::COMMENT_STATE_APPROVED;
    return screening;
  }
  screening.approve_if_trusted = rules_.trust_after > 0;
  return screening;
}

bool CommentPolicy::Trusted(pqxx::connection& db, const std::string& client_id) const {
  pqxx::nontransaction tx(db);
  return storage::CommentPolicyStore(tx).HasCleanRecord(client_id, rules_.trust_after,
                                                        kTrustCleanDays);
}

}  // namespace news
