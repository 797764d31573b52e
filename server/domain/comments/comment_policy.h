#ifndef NEWS_SERVER_DOMAIN_COMMENT_POLICY_H_
#define NEWS_SERVER_DOMAIN_COMMENT_POLICY_H_

// The moderation policy a new comment meets before it is stored (docs/comments.md, "Word lists,
// link holds and trusted readers"): banned terms refuse it, suspect terms and too many links
// hold it for a moderator, and a trusted reader's comment skips pre-moderation. The word lists
// live in the database; each server keeps them as one in-memory TermMatcher that it rebuilds
// when the list version moved (checked at most every `word_list_refresh`, on the connection of
// a create), so a create costs no extra query except that check. The trusted-reader test is made
// where the comment is written (create_comment_from_address() for a create, in the same round
// trip; Trusted() for an edit). Thread-safe; methods run on a database pool worker.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "news/v1/comment.pb.h"
#include "news/v1/moderation.pb.h"
#include "server/domain/comments/comment_board.h"
#include "server/domain/comments/comment_validation.h"
#include "server/text/term_matcher.h"

namespace news {

// What the policy decided for a comment it accepts.
struct Screening {
  // PENDING or APPROVED.
  v1::CommentState state = v1::COMMENT_STATE_PENDING;
  // Why it is held; unset when nothing in the comment held it.
  std::optional<v1::CommentHold> hold;
  // PENDING only for want of trust: under pre-moderation, nothing held the comment, and it is
  // APPROVED instead when its client is a trusted reader (CommentRules::trust_after approved
  // comments, none rejected or spam in kTrustCleanDays days).
  bool approve_if_trusted = false;
};

class CommentPolicy {
 public:
  // Days without a rejected or spam comment a trusted reader needs.
  static constexpr int kTrustCleanDays = 30;

  explicit CommentPolicy(const CommentRules& rules,
                         absl::Duration word_list_refresh = absl::Seconds(1))
      : rules_(rules), refresh_interval_(word_list_refresh) {}

  // Screens the validated `text` of a new comment. InvalidArgument with a BadRequest violation
  // on `body` and/or `author_name` ("must not contain a word or phrase this site does not
  // accept", never the term) when a field holds a banned term.
  absl::StatusOr<Screening> Screen(pqxx::connection& db, const CommentText& text) const;

  // Whether `client_id` is a trusted reader now (see Screening::approve_if_trusted). One query.
  bool Trusted(pqxx::connection& db, const std::string& client_id) const;

  // Makes the next Screen reload the word lists (after this instance changed them).
  void Invalidate() const;

 private:
  // Reloads the word lists if their version moved; checks at most every refresh_interval_.
  void RefreshIfDue(pqxx::connection& db) const;
  std::shared_ptr<const text::TermMatcher> matcher() const;

  const CommentRules rules_;
  const absl::Duration refresh_interval_;
  mutable std::mutex mutex_;
  mutable absl::Time next_check_ = absl::InfinitePast();
  mutable int64_t loaded_version_ = -1;
  mutable std::shared_ptr<const text::TermMatcher> matcher_ =
      std::make_shared<text::TermMatcher>(std::vector<text::ListedTerm>{});
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_COMMENT_POLICY_H_
