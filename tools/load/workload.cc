#include "tools/load/workload.h"

#include <grpcpp/alarm.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "client-sample/channel_policy.h"

namespace news::load {
namespace {

// One in-flight call: owns what the callback API needs to outlive the call.
template <typename Request, typename Response>
struct Call {
  grpc::ClientContext context;
  Request request;
  Response response;
  CallCompletion done;
};

// Sends `request` through `method`, a lambda that forwards to one stub's async() method.
template <typename Response, typename Request, typename Method>
void Send(CallSetup& setup, Request request, Method method) {
  auto* call = new Call<Request, Response>{};
  call->context.set_deadline(setup.deadline);
  ReaderIdentity(setup.rng()).Identify(call->context);
  call->request = std::move(request);
  call->done = std::move(setup.done);
  method(&call->context, &call->request, &call->response, [call](grpc::Status status) {
    call->done(CallOutcome{.status = status, .response_bytes = call->response.ByteSizeLong()});
    delete call;
  });
}

void GetArticle(CallSetup setup) {
  v1::GetArticleRequest request;
  request.set_id(setup.articles.Pick(setup.rng));
  Send<v1::Article>(setup, std::move(request),
                    [&](auto... args) { setup.stubs.articles->async()->GetArticle(args...); });
}

void ListFirstPage(CallSetup setup) {
  v1::ListArticlesRequest request = setup.data.feed;
  request.set_page_size(setup.page_size);
  Send<v1::ListArticlesResponse>(setup, std::move(request), [&](auto... args) {
    setup.stubs.articles->async()->ListArticles(args...);
  });
}

void ListDeepPage(CallSetup setup) {
  v1::ListArticlesRequest request = setup.data.feed;
  request.set_page_size(setup.page_size);
  request.set_page_token(setup.data.deep_page_token);
  Send<v1::ListArticlesResponse>(setup, std::move(request), [&](auto... args) {
    setup.stubs.articles->async()->ListArticles(args...);
  });
}

void ListCategories(CallSetup setup) {
  Send<v1::ListCategoriesResponse>(setup, v1::ListCategoriesRequest(), [&](auto... args) {
    setup.stubs.articles->async()->ListCategories(args...);
  });
}

void ListSources(CallSetup setup) {
  Send<v1::ListSourcesResponse>(setup, v1::ListSourcesRequest(), [&](auto... args) {
    setup.stubs.articles->async()->ListSources(args...);
  });
}

void ListRelatedArticles(CallSetup setup) {
  v1::ListRelatedArticlesRequest request;
  request.set_article_id(setup.articles.Pick(setup.rng));
  Send<v1::ListRelatedArticlesResponse>(setup, std::move(request), [&](auto... args) {
    setup.stubs.discovery->async()->ListRelatedArticles(args...);
  });
}

void SearchArticles(CallSetup setup) {
  v1::SearchArticlesRequest request;
  const auto& queries = setup.data.search_queries;
  request.set_query(
      queries[std::uniform_int_distribution<size_t>(0, queries.size() - 1)(setup.rng)]);
  request.set_page_size(setup.page_size);
  Send<v1::SearchArticlesResponse>(setup, std::move(request), [&](auto... args) {
    setup.stubs.discovery->async()->SearchArticles(args...);
  });
}

void ListMostViewedArticles(CallSetup setup) {
  v1::ListMostViewedArticlesRequest request;
  request.set_window(v1::VIEW_WINDOW_DAY);
  Send<v1::ListMostViewedArticlesResponse>(setup, std::move(request), [&](auto... args) {
    setup.stubs.discovery->async()->ListMostViewedArticles(args...);
  });
}

void ListComments(CallSetup setup) {
  v1::ListCommentsRequest request;
  request.set_article_id(setup.articles.Pick(setup.rng));
  Send<v1::ListCommentsResponse>(setup, std::move(request), [&](auto... args) {
    setup.stubs.comments->async()->ListComments(args...);
  });
}

// One CreateComment until its final answer: the same request and reader on every send.
struct CreateCall {
  v1::CommentService::Stub* stub;
  v1::CreateCommentRequest request;
  ReaderIdentity reader;
  absl::Duration timeout;
  absl::Time give_up_at;
  int sends = 0;
  CallCompletion done;
  // One context per send (gRPC forbids reuse); alarms live until the call ends.
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::Alarm>> alarms;
  v1::Comment response;
};

void SendCreate(CreateCall* call) {
  auto& context = call->contexts.emplace_back(std::make_unique<grpc::ClientContext>());
  context->set_deadline(absl::ToChronoTime(absl::Now() + call->timeout));
  call->reader.Identify(*context);
  ++call->sends;
  call->stub->async()->CreateComment(
      context.get(), &call->request, &call->response, [call](grpc::Status status) {
        if (!status.ok() && client::ShouldResendCreate(status.error_code())) {
          const absl::Time resend_at = absl::Now() + client::CreateResendDelay(call->sends);
          if (resend_at < call->give_up_at) {
            call->alarms.push_back(std::make_unique<grpc::Alarm>());
            call->alarms.back()->Set(absl::ToChronoTime(resend_at),
                                     [call](bool) { SendCreate(call); });
            return;
          }
        }
        call->done(CallOutcome{.status = status,
                               .response_bytes = call->response.ByteSizeLong(),
                               .sends = call->sends,
                               .request_id = call->request.request_id(),
                               .client_id = call->reader.client_id,
                               .comment_id = status.ok() ? call->response.id() : 0});
        delete call;
      });
}

void CreateComment(CallSetup setup) {
  auto* call = new CreateCall{.stub = setup.stubs.comments.get(), .reader = ReaderIdentity(setup.rng())};
  call->request.set_article_id(setup.articles.Pick(setup.rng));
  call->request.set_author_name("Bạn đọc thử tải");
  // Unique text and request id: the server rejects the same text twice and replays request ids.
  const uint64_t unique = setup.rng();
  call->request.set_body(absl::StrCat("Bình luận thử tải số ", unique, ": bài viết rất hữu ích."));
  call->request.set_request_id(absl::StrCat("news-load-", unique));
  call->timeout = absl::FromChrono(setup.deadline - std::chrono::system_clock::now());
  call->give_up_at = absl::Now() + setup.resend_creates;
  call->done = std::move(setup.done);
  SendCreate(call);
}

constexpr RpcKind kRpcKinds[] = {
    {"get", "GetArticle by a discovered id (uniform, or Zipf with --zipf)", true, false,
     GetArticle},
    {"list", "ListArticles, first page of the feed (--feed_* filters)", false, false,
     ListFirstPage},
    {"list_deep", "ListArticles, the page --deep_offset items deep", false, true, ListDeepPage},
    {"categories", "ListCategories", false, false, ListCategories},
    {"sources", "ListSources", false, false, ListSources},
    {"related", "ListRelatedArticles of a discovered id", true, false, ListRelatedArticles},
    {"search", "SearchArticles for two words of a discovered title", true, false, SearchArticles},
    {"most_viewed", "ListMostViewedArticles of the last day", false, false, ListMostViewedArticles},
    {"comments", "ListComments of a discovered id", true, false, ListComments},
    {"create_comment", "CreateComment on a discovered id, each from a new client id", true, false,
     CreateComment},
};

}  // namespace

ReaderIdentity::ReaderIdentity(uint64_t seed)
    : client_id(absl::StrCat("news-load-", seed)),
      forwarded_for(absl::StrCat("198.", 18 + (seed >> 16) % 2, ".", (seed >> 8) % 256, ".",
                                 seed % 256)) {}

void ReaderIdentity::Identify(grpc::ClientContext& context) const {
  context.AddMetadata("x-client-id", client_id);
  context.AddMetadata("x-forwarded-for", forwarded_for);
}

ChannelStubs::ChannelStubs(std::shared_ptr<grpc::Channel> channel)
    : channel(channel),
      articles(v1::ArticleService::NewStub(channel)),
      discovery(v1::DiscoveryService::NewStub(channel)),
      comments(v1::CommentService::NewStub(channel)) {}

ArticlePicker::ArticlePicker(std::vector<int64_t> ids, double zipf_exponent)
    : ids_(std::move(ids)) {
  if (zipf_exponent <= 0 || ids_.empty()) return;
  cumulative_.reserve(ids_.size());
  double total = 0;
  for (size_t rank = 1; rank <= ids_.size(); ++rank) {
    total += 1.0 / std::pow(static_cast<double>(rank), zipf_exponent);
    cumulative_.push_back(total);
  }
  for (double& value : cumulative_) value /= total;
}

int64_t ArticlePicker::Pick(std::mt19937_64& rng) const {
  if (cumulative_.empty()) {
    return ids_[std::uniform_int_distribution<size_t>(0, ids_.size() - 1)(rng)];
  }
  const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  const size_t rank =
      std::lower_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin();
  return ids_[std::min(rank, ids_.size() - 1)];
}

absl::Span<const RpcKind> AllRpcKinds() { return kRpcKinds; }

absl::StatusOr<std::vector<MixEntry>> ParseMix(absl::string_view mix) {
  std::vector<MixEntry> entries;
  absl::flat_hash_set<std::string> seen;
  for (absl::string_view item : absl::StrSplit(mix, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    std::pair<absl::string_view, absl::string_view> name_weight =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    int weight = 1;
    if (item.find('=') != absl::string_view::npos &&
        (!absl::SimpleAtoi(name_weight.second, &weight) || weight <= 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--mix: weight of '", name_weight.first, "' must be a positive integer"));
    }
    const RpcKind* rpc = nullptr;
    for (const RpcKind& kind : kRpcKinds) {
      if (name_weight.first == kind.name) rpc = &kind;
    }
    if (rpc == nullptr) {
      std::string known;
      for (const RpcKind& kind : kRpcKinds) absl::StrAppend(&known, " ", kind.name);
      return absl::InvalidArgumentError(
          absl::StrCat("--mix: unknown RPC '", name_weight.first, "'; known:", known));
    }
    if (!seen.insert(rpc->name).second) {
      return absl::InvalidArgumentError(absl::StrCat("--mix: '", rpc->name, "' given twice"));
    }
    entries.push_back({rpc, weight});
  }
  if (entries.empty()) return absl::InvalidArgumentError("--mix: name at least one RPC");
  return entries;
}

absl::StatusOr<DiscoveredData> Discover(ChannelStubs& stubs, const v1::ListArticlesRequest& feed,
                                        size_t max_ids, int64_t deep_page_offset,
                                        absl::Duration deadline) {
  DiscoveredData data;
  data.feed = feed;
  v1::ListArticlesRequest request = data.feed;
  int64_t items_seen = 0;
  while (data.article_ids.size() < max_ids || items_seen < deep_page_offset) {
    constexpr int64_t kDiscoveryPageSize = 100;
    int64_t page_size = kDiscoveryPageSize;
    // Stop exactly at the deep offset, so that its token starts there.
    if (items_seen < deep_page_offset) {
      page_size = std::min(page_size, deep_page_offset - items_seen);
    }
    request.set_page_size(static_cast<int32_t>(page_size));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    v1::ListArticlesResponse response;
    grpc::Status status = stubs.articles->ListArticles(&context, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("discovery ListArticles: ", status.error_message()));
    }
    for (const auto& article : response.articles()) {
      if (data.article_ids.size() >= max_ids) break;
      data.article_ids.push_back(article.id());
      constexpr size_t kMaxSearchQueries = 1000;
      std::vector<absl::string_view> words =
          absl::StrSplit(article.title(), ' ', absl::SkipWhitespace());
      if (!words.empty() && data.search_queries.size() < kMaxSearchQueries) {
        data.search_queries.push_back(words.size() == 1 ? std::string(words[0])
                                                        : absl::StrCat(words[0], " ", words[1]));
      }
    }
    items_seen += response.articles_size();
    if (deep_page_offset > 0 && items_seen == deep_page_offset) {
      data.deep_page_token = response.next_page_token();
      data.deep_page_offset = items_seen;
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  if (deep_page_offset > 0 && data.deep_page_token.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("the feed has ", items_seen,
                                                      " articles, fewer than --deep_offset ",
                                                      deep_page_offset, " plus one page"));
  }
  return data;
}

}  // namespace news::load
