#include "server/app/jobs/webhooks/webhook_outbox_writer.h"

#include <spdlog/spdlog.h>

#include "absl/time/clock.h"
#include "server/domain/webhooks/webhook_outbox.h"
#include "server/storage/prepared_statements.h"

namespace news {
namespace {

// Changes per transaction; a larger backlog is written in several in a row.
constexpr int kBatch = 500;

// The session advisory lock (namespace 7305, key 1) whose holder writes the outbox.
bool TryBecomeWriter(pqxx::connection& db) {
  return pqxx::nontransaction(db).exec("SELECT pg_try_advisory_lock(7305, 1)")[0][0].as<bool>();
}

}  // namespace

WebhookOutboxWriter::WebhookOutboxWriter(WebhookOutboxWriterOptions options,
                                         ServerMetrics& metrics)
    : options_(std::move(options)),
      task_(options_.interval, PeriodicTask::FirstRun::kAtStart, [this] { Tick(); }) {
  metrics.AddSampledGauge("news_webhook_outbox_writer",
                          "1 while this instance writes webhook deliveries from the change log",
                          [this] { return writer_.load() ? 1.0 : 0.0; });
  metrics.AddSampledCounter("news_webhook_changes_read_total",
                            "Change-log rows the webhook outbox writer of this instance passed", {},
                            [this] { return static_cast<double>(changes_read_.load()); });
}

void WebhookOutboxWriter::Stop() {
  task_.Stop();
  db_.reset();
  writer_ = false;
}

void WebhookOutboxWriter::Tick() {
  if (absl::Now() < next_attempt_) return;
  try {
    if (!db_ || !db_->is_open()) {
      writer_ = false;
      db_ = std::make_unique<pqxx::connection>(options_.database_url);
      storage::PrepareStatements(*db_);
    }
    if (!writer_ && TryBecomeWriter(*db_)) {
      writer_ = true;
      spdlog::info("this instance writes the webhook outbox");
    }
    if (!writer_) return;
    int read;
    do {
      pqxx::work tx(*db_);
      read = FanOutChanges(tx, kBatch);
      tx.commit();
      changes_read_.fetch_add(read, std::memory_order_relaxed);
    } while (read == kBatch && !task_.stopping());
  } catch (const std::exception& e) {
    spdlog::warn("webhook outbox writer: {}", e.what());
    db_.reset();
    writer_ = false;
    next_attempt_ = absl::Now() + absl::Seconds(1);
  }
}

}  // namespace news
