#ifndef NEWS_SERVER_DOMAIN_WORD_LIST_DESK_H_
#define NEWS_SERVER_DOMAIN_WORD_LIST_DESK_H_

// The word-list RPCs of ModerationService (AddWordListTerm, RemoveWordListTerm,
// ListWordListTerms). Like ModerationDesk, every method authenticates first and writes each
// change to the audit log in its transaction. Plain C++; methods run on a database pool worker.

#include <pqxx/pqxx>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "news/v1/moderation.pb.h"
#include "server/domain/comments/comment_policy.h"
#include "server/domain/pagination.h"

namespace news {

class WordListDesk {
 public:
  static constexpr int kDefaultPageSize = 50;
  static constexpr int kMaxPageSize = 200;
  static constexpr size_t kMaxTermChars = 100;

  // `tokens` and `policy` must outlive the desk; `policy` reloads the lists after a change here.
  WordListDesk(const PageTokenCodec& tokens, const CommentPolicy& policy)
      : tokens_(tokens), policy_(policy) {}

  // Role admin. InvalidArgument for an unspecified list or a bad term; AlreadyExists when the
  // list has a term with the same matching form (TermKey).
  absl::StatusOr<v1::WordListTerm> AddTerm(pqxx::connection& db, absl::string_view authorization,
                                           const v1::AddWordListTermRequest& request) const;

  // Role admin. NotFound when the list has no term with this matching form.
  absl::StatusOr<v1::RemoveWordListTermResponse> RemoveTerm(
      pqxx::connection& db, absl::string_view authorization,
      const v1::RemoveWordListTermRequest& request) const;

  // Role moderator.
  absl::StatusOr<v1::ListWordListTermsResponse> ListTerms(
      pqxx::connection& db, absl::string_view authorization,
      const v1::ListWordListTermsRequest& request) const;

 private:
  const PageTokenCodec& tokens_;
  const CommentPolicy& policy_;
};

}  // namespace news

#endif  // NEWS_SERVER_DOMAIN_WORD_LIST_DESK_H_
