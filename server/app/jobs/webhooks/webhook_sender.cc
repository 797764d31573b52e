#include "server/app/jobs/webhooks/webhook_sender.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/domain/webhooks/webhook_outbox.h"
#include "server/domain/webhooks/webhook_signature.h"
#include "server/storage/webhooks/webhook_outbox_store.h"

namespace news {
namespace {

// The longest one tick runs transfers before it lets Stop() in.
constexpr absl::Duration kPumpBudget = absl::Milliseconds(100);
// How often the outbox is counted for the gauges.
constexpr absl::Duration kCountInterval = absl::Seconds(1);
// How much of a response is kept for the dead-letter list's last_error.
constexpr size_t kMaxErrorChars = 200;

// Keeps the start of a response body for last_error, as printable ASCII: a receiver's bytes
// need not be valid UTF-8, which a text column refuses.
size_t KeepSome(char* data, size_t size, size_t count, void* user) {
  auto& kept = *static_cast<std::string*>(user);
  for (size_t i = 0; i < size * count && kept.size() < kMaxErrorChars; ++i) {
    const unsigned char c = static_cast<unsigned char>(data[i]);
    kept.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : ' ');
  }
  return size * count;
}

}  // namespace

struct WebhookSender::Transfer {
  storage::ClaimedDelivery delivery;
  const OwnListeners* own = nullptr;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string response;
  char error[CURL_ERROR_SIZE] = {};
  bool refused_own = false;

  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (headers != nullptr) curl_slist_free_all(headers);
  }

  // Called with the address the transfer actually connected to, before the request is sent: a
  // name that resolves to this machine must not reach its own listeners either.
  static int CheckPeer(void* self, char* primary_ip, char* /*local_ip*/, int primary_port,
                       int /*local_port*/) {
    auto* transfer = static_cast<Transfer*>(self);
    if (IsOwnListener(*transfer->own, primary_ip, primary_port)) {
      transfer->refused_own = true;
      return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
  }
};

WebhookSender::WebhookSender(WebhookSenderOptions options, const OwnListeners& own,
                             ServerMetrics& metrics)
    : options_(std::move(options)),
      own_(own),
      lease_(options_.timeout * 2 + absl::Seconds(5)),
      task_(options_.poll_interval, PeriodicTask::FirstRun::kAtStart, [this] { Tick(); }) {
  static std::once_flag curl_initialized;
  std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  for (const auto& [outcome, counter] :
       {std::pair{"attempted", &attempted_}, std::pair{"succeeded", &succeeded_},
        std::pair{"failed", &failed_}, std::pair{"dead", &dead_}}) {
    metrics.AddSampledCounter(
        "news_webhook_deliveries_total",
        "Webhook delivery attempts of this instance (attempted) and their outcomes: succeeded "
        "(2xx), failed (retried later) and dead (given up after the give-up age)",
        {{"outcome", outcome}}, [counter] { return static_cast<double>(counter->load()); });
  }
  metrics.AddSampledGauge("news_webhook_outbox_depth",
                          "Webhook deliveries waiting to be delivered (all instances; counted "
                          "every second)",
                          [this] { return static_cast<double>(depth_.load()); });
  metrics.AddSampledGauge("news_webhook_dead_letters",
                          "Webhook deliveries given up and not replayed (counted every second)",
                          [this] { return static_cast<double>(dead_letters_.load()); });
  metrics.AddSampledGauge("news_webhook_deliveries_in_flight",
                          "Webhook delivery attempts this instance has in flight",
                          [this] { return static_cast<double>(in_flight_count_.load()); });
}

WebhookSender::~WebhookSender() {
  Stop();
  curl_multi_cleanup(multi_);
}

void WebhookSender::Stop() {
  task_.Stop();
  AbandonAll();
  db_.reset();
}

void WebhookSender::AbandonAll() {
  for (auto& [easy, transfer] : in_flight_) curl_multi_remove_handle(multi_, easy);
  in_flight_.clear();
  in_flight_count_ = 0;
}

void WebhookSender::Tick() {
  if (absl::Now() < next_attempt_) return;
  try {
    if (!db_ || !db_->is_open()) db_ = std::make_unique<pqxx::connection>(options_.database_url);
    RefreshCounts();
    Claim();
    Pump(kPumpBudget);
  } catch (const std::exception& e) {
    // Outcomes not recorded are attempted again once their lease runs out.
    spdlog::warn("webhook sender: {}", e.what());
    AbandonAll();
    db_.reset();
    next_attempt_ = absl::Now() + absl::Seconds(1);
  }
}

void WebhookSender::RefreshCounts() {
  if (absl::Now() < next_count_) return;
  next_count_ = absl::Now() + kCountInterval;
  pqxx::nontransaction tx(*db_);
  const storage::WebhookOutboxStore::Counts counts = storage::WebhookOutboxStore(tx).Count();
  depth_ = counts.pending;
  dead_letters_ = counts.dead;
}

void WebhookSender::Claim() {
  const int free = options_.concurrency - static_cast<int>(in_flight_.size());
  if (free <= 0) return;
  std::vector<storage::ClaimedDelivery> claimed;
  {
    // One statement: the claim commits at once, so the lease, not a held row lock, keeps other
    // senders away while the attempt runs.
    pqxx::nontransaction tx(*db_);
    claimed = storage::WebhookOutboxStore(tx).Claim(free, lease_);
  }
  for (storage::ClaimedDelivery& delivery : claimed) {
    auto transfer = std::make_unique<Transfer>();
    transfer->delivery = std::move(delivery);
    transfer->own = &own_;
    Launch(std::move(transfer));
  }
}

void WebhookSender::Launch(std::unique_ptr<Transfer> transfer) {
  attempted_.fetch_add(1, std::memory_order_relaxed);
  const storage::ClaimedDelivery& d = transfer->delivery;
  const std::string id = WebhookMessageId(d.id);
  const int64_t timestamp = absl::ToUnixSeconds(absl::Now());
  absl::StatusOr<std::string> signature = SignWebhook(d.secret, id, timestamp, d.payload);
  if (!signature.ok()) {
    Finish(*transfer, CURLE_ABORTED_BY_CALLBACK);
    return;
  }
  for (const std::string& header :
       {std::string("Content-Type: application/json"), absl::StrCat("webhook-id: ", id),
        absl::StrCat("webhook-timestamp: ", timestamp),
        absl::StrCat("webhook-signature: ", *signature)}) {
    transfer->headers = curl_slist_append(transfer->headers, header.c_str());
  }
  CURL* easy = curl_easy_init();
  transfer->easy = easy;
  curl_easy_setopt(easy, CURLOPT_URL, d.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(
                                                 options_.timeout)));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "news-server-webhooks/1");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, d.payload.c_str());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(d.payload.size()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, KeepSome);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer->response);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
  curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, &Transfer::CheckPeer);
  curl_easy_setopt(easy, CURLOPT_PREREQDATA, transfer.get());
  curl_multi_add_handle(multi_, easy);
  in_flight_.emplace(easy, std::move(transfer));
  in_flight_count_ = static_cast<int64_t>(in_flight_.size());
}

void WebhookSender::Pump(absl::Duration budget) {
  const absl::Time until = absl::Now() + budget;
  while (!in_flight_.empty()) {
    int running = 0;
    curl_multi_perform(multi_, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const int code = message->data.result;
      curl_multi_remove_handle(multi_, easy);
      auto it = in_flight_.find(easy);
      std::unique_ptr<Transfer> transfer = std::move(it->second);
      in_flight_.erase(it);
      in_flight_count_ = static_cast<int64_t>(in_flight_.size());
      Finish(*transfer, code);
    }
    const absl::Duration left = until - absl::Now();
    if (in_flight_.empty() || left <= absl::ZeroDuration()) break;
    curl_multi_poll(multi_, nullptr, 0,
                    static_cast<int>(std::max<int64_t>(1, absl::ToInt64Milliseconds(left))),
                    nullptr);
  }
}

void WebhookSender::Finish(Transfer& transfer, int curl_code) {
  long status = 0;
  if (transfer.easy != nullptr) curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
  pqxx::nontransaction tx(*db_);
  storage::WebhookOutboxStore outbox(tx);
  if (curl_code == CURLE_OK && status >= 200 && status < 300) {
    outbox.Delete(transfer.delivery.id);
    succeeded_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::string error;
  if (transfer.refused_own) {
    error = "refused: the address is this server's own gRPC or metrics port";
  } else if (curl_code != CURLE_OK) {
    error = transfer.error[0] != '\0' ? transfer.error
                                      : curl_easy_strerror(static_cast<CURLcode>(curl_code));
  } else {
    error = absl::StrCat("HTTP ", status, transfer.response.empty() ? "" : ": ",
                         transfer.response);
  }
  const absl::Duration delay =
      RetryDelay(transfer.delivery.attempts, options_.backoff_first, options_.backoff_max,
                 absl::Uniform(random_, 0.0, 1.0));
  if (outbox.RecordFailure(transfer.delivery.id, static_cast<int>(status), error, delay,
                           options_.give_up_age)) {
    dead_.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("webhook delivery {} to webhook {} given up after {} attempts: {}",
                 WebhookMessageId(transfer.delivery.id), transfer.delivery.endpoint_id,
                 transfer.delivery.attempts, error);
  } else {
    failed_.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace news
