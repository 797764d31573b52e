// news-reference-server: the RPC framework's ceiling for bench/run.sh. It serves
// news.v1.ArticleService over the same gRPC callback API as news-server, with no database:
// GetArticle returns one prebuilt Article of --article_bytes serialized bytes, and ListArticles
// lists ids 1..--articles so that news-load can discover them. It prints its port on stdout.

#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "news/v1/article.grpc.pb.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "HOST:PORT to serve on; port 0 picks one");
ABSL_FLAG(int, article_bytes, 4000, "serialized size of the Article GetArticle returns");
ABSL_FLAG(int, articles, 10000, "ids ListArticles lists");

namespace news::bench {
namespace {

// An article shaped like a real one (Vietnamese text, a few paragraphs, neighbours) whose
// serialized size is `bytes` (or just above, when `bytes` is below the fixed fields' size).
v1::Article FixedArticle(int bytes) {
  v1::Article article;
  article.set_id(1);
  article.set_slug("bai-viet-tham-chieu");
  article.set_title("Bài viết tham chiếu cho phép đo hiệu năng");
  article.set_summary("Một đoạn tóm tắt ngắn.");
  article.set_author("Ban biên tập");
  article.mutable_category()->set_id(1);
  article.mutable_category()->set_name("Thời sự");
  article.set_status(v1::ARTICLE_STATUS_PUBLISHED);
  article.mutable_publish_time()->set_seconds(1700000000);
  article.mutable_newer()->set_id(2);
  article.mutable_newer()->set_title("Tin mới hơn");
  article.mutable_older()->set_id(3);
  article.mutable_older()->set_title("Tin cũ hơn");
  const std::string sentence =
      "Nâng cao hiệu quả công tác đối ngoại nhân dân trong tình hình mới. ";
  for (int paragraph = 0; article.ByteSizeLong() < static_cast<size_t>(bytes); ++paragraph) {
    std::string* text =
        paragraph % 8 == 0
            ? article.add_body_paragraphs()
            : article.mutable_body_paragraphs()->Mutable(article.body_paragraphs_size() - 1);
    const size_t missing = bytes - article.ByteSizeLong();
    // ASCII padding for the last few bytes: cutting the sentence could split a UTF-8 character.
    if (missing < sentence.size()) {
      text->append(missing, '.');
    } else {
      text->append(sentence);
    }
  }
  return article;
}

class ReferenceArticleService final : public v1::ArticleService::CallbackService {
 public:
  ReferenceArticleService(v1::Article article, int articles)
      : article_(std::move(article)), articles_(articles) {}

  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest* request,
                                       v1::Article* response) override {
    *response = article_;
    response->set_id(request->id());
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  // Page tokens are the decimal offset; good enough for a benchmark reference.
  grpc::ServerUnaryReactor* ListArticles(grpc::CallbackServerContext* context,
                                         const v1::ListArticlesRequest* request,
                                         v1::ListArticlesResponse* response) override {
    int offset = 0;
    if (!request->page_token().empty()) absl::SimpleAtoi(request->page_token(), &offset);
    const int page_size = request->page_size() <= 0 ? 20 : std::min(request->page_size(), 100);
    const int end = std::min(offset + page_size, articles_);
    for (int i = offset; i < end; ++i) {
      auto* summary = response->add_articles();
      summary->set_id(i + 1);
      summary->set_title(article_.title());
    }
    if (end < articles_) response->set_next_page_token(absl::StrCat(end));
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const v1::Article article_;
  const int articles_;
};

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Serves a fixed Article with no database (bench/run.sh).");
  absl::ParseCommandLine(argc, argv);
  // As news-server does: the reference measures gRPC, not Debian Abseil's debugging aids.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ReferenceArticleService service(FixedArticle(absl::GetFlag(FLAGS_article_bytes)),
                                  absl::GetFlag(FLAGS_articles));
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "news-reference-server: cannot listen on %s\n",
                 absl::GetFlag(FLAGS_listen).c_str());
    return 1;
  }
  std::printf("%d\n", port);
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  return 0;
}

}  // namespace
}  // namespace news::bench

int main(int argc, char** argv) { return news::bench::Main(argc, argv); }
