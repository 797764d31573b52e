#include "server/domain/comments/word_list_desk.h"

#include "absl/strings/str_cat.h"
#include "server/domain/clients/admin_auth.h"
#include "server/domain/status_details.h"
#include "server/storage/comments/comment_policy_store.h"
#include "server/storage/comments/moderation_event_store.h"
#include "server/text/term_matcher.h"
#include "server/text/unicode_text.h"

namespace news {
namespace {

struct CheckedTerm {
  // As stored and shown.
  std::string text;
  std::string key;
};

// The list and term of an add or remove, with the term normalised as user text.
absl::StatusOr<CheckedTerm> CheckListAndTerm(v1::WordList list, absl::string_view term) {
  FieldViolations violations;
  if (list != v1::WORD_LIST_BANNED && list != v1::WORD_LIST_SUSPECT) {
    violations.Add("list", "must be WORD_LIST_BANNED or WORD_LIST_SUSPECT");
  }
  CheckedTerm checked;
  absl::StatusOr<text::DisplayText> display =
      text::NormalizeDisplayText(term, text::LineBreaks::kRefuse);
  if (!display.ok()) {
    violations.Add("term", display.status().message());
  } else if (display->code_points > WordListDesk::kMaxTermChars) {
    violations.Add("term", "must have at most 100 characters");
  } else {
    checked.text = std::move(display->text);
    checked.key = text::TermKey(checked.text);
    if (checked.key.empty()) violations.Add("term", "must have at least one letter");
  }
  if (!violations.empty()) return violations.ToStatus();
  return checked;
}

void AppendEvent(pqxx::transaction_base& tx, const std::string& actor, absl::string_view action,
                 const v1::WordListTerm& term) {
  v1::ModerationEvent event;
  event.set_actor(actor);
  event.set_action(std::string(action));
  event.set_detail(absl::StrCat(storage::WordListName(term.list()), ": ", term.term()));
  storage::ModerationEventStore(tx).Append(event);
}

}  // namespace

absl::StatusOr<v1::WordListTerm> WordListDesk::AddTerm(
    pqxx::connection& db, absl::string_view authorization,
    const v1::AddWordListTermRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kAdmin);
  if (!principal.ok()) return principal.status();
  absl::StatusOr<CheckedTerm> term = CheckListAndTerm(request.list(), request.term());
  if (!term.ok()) return term.status();

  std::optional<v1::WordListTerm> added = storage::CommentPolicyStore(tx).AddTerm(
      request.list(), term->text, term->key, principal->name);
  if (!added) {
    return absl::AlreadyExistsError("the list already has a term that matches the same text");
  }
  AppendEvent(tx, principal->name, "WORD_LIST_ADD", *added);
  tx.commit();
  policy_.Invalidate();
  return *added;
}

absl::StatusOr<v1::RemoveWordListTermResponse> WordListDesk::RemoveTerm(
    pqxx::connection& db, absl::string_view authorization,
    const v1::RemoveWordListTermRequest& request) const {
  pqxx::work tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kAdmin);
  if (!principal.ok()) return principal.status();
  absl::StatusOr<CheckedTerm> term = CheckListAndTerm(request.list(), request.term());
  if (!term.ok()) return term.status();

  std::optional<v1::WordListTerm> removed =
      storage::CommentPolicyStore(tx).RemoveTerm(request.list(), term->key);
  if (!removed) return absl::NotFoundError("the list has no such term");
  AppendEvent(tx, principal->name, "WORD_LIST_REMOVE", *removed);
  tx.commit();
  policy_.Invalidate();
  return v1::RemoveWordListTermResponse();
}

absl::StatusOr<v1::ListWordListTermsResponse> WordListDesk::ListTerms(
    pqxx::connection& db, absl::string_view authorization,
    const v1::ListWordListTermsRequest& request) const {
  pqxx::read_transaction tx(db);
  absl::StatusOr<AdminPrincipal> principal = Authenticate(tx, authorization, AdminRole::kModerator);
  if (!principal.ok()) return principal.status();

  FieldViolations violations;
  if (!v1::WordList_IsValid(request.list())) violations.Add("list", "unknown word list");
  absl::StatusOr<int> page_size =
      ResolvePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) violations.Add("page_size", "must not be negative");
  if (!violations.empty()) return violations.ToStatus();

  const PageScope scope = PageScope("ListWordListTerms").Add(request.list());
  int64_t after_id = 0;
  if (!request.page_token().empty()) {
    absl::StatusOr<std::vector<int64_t>> keys = tokens_.Decode(request.page_token(), scope, 1);
    if (!keys.ok()) return keys.status();
    after_id = (*keys)[0];
  }
  std::vector<v1::WordListTerm> terms =
      storage::CommentPolicyStore(tx).ListTerms(request.list(), after_id, *page_size + 1);
  const bool more = static_cast<int>(terms.size()) > *page_size;
  if (more) terms.resize(*page_size);
  v1::ListWordListTermsResponse response;
  for (auto& term : terms) *response.add_terms() = std::move(term);
  if (more) {
    response.set_next_page_token(
        tokens_.Encode(scope, {response.terms(response.terms_size() - 1).id()}));
  }
  return response;
}

}  // namespace news
