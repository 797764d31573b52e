#include "server/app/jobs/periodic_task.h"

#include <future>
#include <utility>

namespace news {

PeriodicTask::PeriodicTask(absl::Duration interval, FirstRun first_run,
                           std::function<void()> tick)
    : interval_(interval), first_run_(first_run), tick_(std::move(tick)) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  thread_ = std::thread([this] { Run(); });
}

void PeriodicTask::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool PeriodicTask::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void PeriodicTask::Run() {
  std::unique_lock lock(mutex_);
  if (first_run_ == FirstRun::kAfterInterval) {
    wake_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stopping_; });
  }
  while (!stopping_) {
    lock.unlock();
    tick_();
    lock.lock();
    wake_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stopping_; });
  }
}

absl::Status RunOnPoolAndWait(db::DatabasePool& pool, absl::Time deadline,
                              db::RetryPolicy retry, db::DatabasePool::Work work) {
  std::promise<absl::Status> outcome;
  pool.Submit(deadline, retry, std::move(work),
              [&outcome](absl::Status status) { outcome.set_value(std::move(status)); });
  return outcome.get_future().get();
}

}  // namespace news
