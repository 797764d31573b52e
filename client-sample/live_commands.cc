#include "client-sample/live_commands.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "news/v1/live.grpc.pb.h"

namespace news::client {
namespace {

// A stream has no natural end, so its deadline is far off; when it passes, the stream is
// resumed with its token like after any break.
constexpr absl::Duration kStreamDeadline = absl::Minutes(30);

// What both streams share: the number of events still to show (negative: no limit), and the
// open calls, so that the first stream to reach the limit or the time ends the other.
struct WatchState {
  std::atomic<int64_t> events_left{-1};
  absl::Time until = absl::InfiniteFuture();
  std::mutex mutex;
  std::vector<grpc::ClientContext*> open;
  std::atomic<bool> stopping{false};
  std::atomic<int> exit_code{kExitOk};

  void Stop() {
    stopping = true;
    std::lock_guard lock(mutex);
    for (grpc::ClientContext* context : open) context->TryCancel();
  }
  // Counts one shown event; false once enough were shown.
  bool Count() {
    if (events_left.load() < 0) return true;
    if (events_left.fetch_sub(1) <= 1) {
      Stop();
      return false;
    }
    return true;
  }
};

std::mutex print_mutex;

// Events print one per line.
std::string SingleLine(const std::string& text) { return absl::StrReplaceAll(text, {{"\n", " "}}); }

void Print(const std::string& line) {
  std::lock_guard lock(print_mutex);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

std::string Describe(const v1::CommentEvent& event) {
  const v1::Comment& comment = event.comment();
  const std::string id = absl::StrCat("[", comment.id(), "]");
  switch (event.type()) {
    case v1::COMMENT_EVENT_TYPE_CAUGHT_UP:
      return "caught up; live from here";
    case v1::COMMENT_EVENT_TYPE_APPROVED:
    case v1::COMMENT_EVENT_TYPE_EDITED:
      return absl::StrCat(
          event.type() == v1::COMMENT_EVENT_TYPE_APPROVED ? "new " : "edited ", id, " ",
          SingleLine(comment.author_name()), " - ", FormatLocalTime(comment.create_time()),
          comment.parent_id() != 0 ? absl::StrCat(" (reply to ", comment.parent_id(), ")") : "",
          ": ", SingleLine(comment.body()));
    case v1::COMMENT_EVENT_TYPE_REMOVED:
      return absl::StrCat("removed ", id);
    case v1::COMMENT_EVENT_TYPE_LIKES:
      return absl::StrCat("likes ", id, " ", comment.like_count());
    default:
      return "unknown event";
  }
}

std::string Describe(const v1::ArticleEvent& event) {
  const v1::ArticleSummary& article = event.article();
  const std::string head = absl::StrCat("#", article.id(), " ", SingleLine(article.title()));
  switch (event.type()) {
    case v1::ARTICLE_EVENT_TYPE_CAUGHT_UP:
      return "caught up; live from here";
    case v1::ARTICLE_EVENT_TYPE_PUBLISHED:
      return absl::StrCat("published ", head, " (", article.category().name(), ")");
    case v1::ARTICLE_EVENT_TYPE_BREAKING:
      return absl::StrCat("BREAKING ", head, " (", article.category().name(), ")");
    case v1::ARTICLE_EVENT_TYPE_UPDATED:
      return absl::StrCat("updated ", head, event.breaking() ? " [breaking]" : "");
    case v1::ARTICLE_EVENT_TYPE_EXPIRED:
      return absl::StrCat("expired #", article.id());
    case v1::ARTICLE_EVENT_TYPE_RETRACTED:
      return absl::StrCat("retracted #", article.id());
    default:
      return "unknown event";
  }
}

// Follows one stream until the state stops: `open` starts the call with a resume token. After
// UNAVAILABLE (a server shutting down), RESOURCE_EXHAUSTED (too slow, or too many streams) or
// DEADLINE_EXCEEDED it resumes with the last token after a growing pause; after
// RESUME_TOKEN_EXPIRED it starts afresh, as an app reloads the screen.
template <typename Event, typename Open>
void Follow(const std::string& label, WatchState& state, Open open) {
  std::string token;
  absl::Duration backoff = absl::Milliseconds(500);
  while (!state.stopping) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(std::min(absl::Now() + kStreamDeadline, state.until)));
    {
      std::lock_guard lock(state.mutex);
      if (state.stopping) return;
      state.open.push_back(&context);
    }
    std::unique_ptr<grpc::ClientReader<Event>> reader = open(context, token);
    Event event;
    while (reader->Read(&event)) {
      token = event.resume_token();
      backoff = absl::Milliseconds(500);
      Print(absl::StrCat(label, " ", Describe(event)));
      if (!state.Count()) break;
    }
    const grpc::Status status = reader->Finish();
    {
      std::lock_guard lock(state.mutex);
      std::erase(state.open, &context);
    }
    if (state.stopping || absl::Now() >= state.until) return;
    switch (status.error_code()) {
      case grpc::StatusCode::UNAVAILABLE:
      case grpc::StatusCode::RESOURCE_EXHAUSTED:
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        Print(absl::StrCat(label, " stream ended (", status.error_message(), "); resuming"));
        absl::SleepFor(backoff);
        backoff = std::min(backoff * 2, absl::Seconds(30));
        break;
      case grpc::StatusCode::FAILED_PRECONDITION:
        Print(absl::StrCat(label, " missed too much; reload the screen, then watch from now"));
        token.clear();
        break;
      default:
        state.exit_code = PrintStatus(label, status);
        state.Stop();
        return;
    }
  }
}

int RunWatch(const Connection& connection, const CommandArgs& args) {
  const absl::StatusOr<int64_t> article_id = args.IntOption("article_id", 0);
  const absl::StatusOr<int64_t> category_id = args.IntOption("category_id", 0);
  const absl::StatusOr<int64_t> events = args.IntOption("events", 0);
  const absl::StatusOr<int64_t> seconds = args.IntOption("seconds", 0);
  for (const auto* value : {&article_id, &category_id, &events, &seconds}) {
    if (!value->ok()) return PrintUsageError(value->status());
  }
  WatchState state;
  if (*events > 0) state.events_left = *events;
  if (*seconds > 0) state.until = absl::Now() + absl::Seconds(*seconds);
  auto stub = v1::LiveService::NewStub(connection.channel);
  std::vector<std::thread> streams;
  if (*article_id > 0) {
    streams.emplace_back([&] {
      Follow<v1::CommentEvent>(
          absl::StrCat("[comments ", *article_id, "]"), state,
          [&](grpc::ClientContext& context, const std::string& token) {
            v1::WatchCommentsRequest request;
            request.set_article_id(*article_id);
            request.set_resume_token(token);
            return stub->WatchComments(&context, request);
          });
    });
  }
  streams.emplace_back([&] {
    Follow<v1::ArticleEvent>(
        *category_id > 0 ? absl::StrCat("[articles ", *category_id, "]") : "[articles]", state,
        [&](grpc::ClientContext& context, const std::string& token) {
          v1::WatchArticlesRequest request;
          request.set_category_id(*category_id);
          request.set_resume_token(token);
          return stub->WatchArticles(&context, request);
        });
  });
  for (std::thread& stream : streams) stream.join();
  return state.exit_code;
}

}  // namespace

std::vector<Command> LiveCommands() {
  return {
      {"watch",
       "follow new comments of --article_id (with edits, removals and likes) and published, "
       "updated, breaking, retracted and expired articles of --category_id (0: all) as they "
       "happen, resuming after breaks; stops after --events=N events or --seconds=N (0: "
       "never)",
       {"article_id", "category_id", "events", "seconds"},
       {},
       RunWatch},
  };
}

}  // namespace news::client
