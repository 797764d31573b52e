#ifndef NEWS_TESTS_WEBHOOKS_WEBHOOK_RECEIVER_H_
#define NEWS_TESTS_WEBHOOKS_WEBHOOK_RECEIVER_H_

// A webhook receiver for the tests: a tiny blocking HTTP/1.1 server on 127.0.0.1 (one thread
// accepting, one per connection) that records every request and answers as the test's script
// says: a status, after a delay, or nothing at all while it is "down" (its port closed).

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace news::testing {

struct ReceivedRequest {
  std::string path;
  std::string webhook_id;
  std::string webhook_timestamp;
  std::string webhook_signature;
  std::string content_type;
  std::string body;
  absl::Time arrival;
};

struct Answer {
  int status = 200;
  // Answers after this long (a delay beyond the sender's timeout makes a timed-out attempt).
  absl::Duration delay = absl::ZeroDuration();
  // The response body (any bytes).
  std::string body;
};

class WebhookReceiver {
 public:
  // `script` decides the answer to the n-th request (0-based, in arrival order).
  explicit WebhookReceiver(std::function<Answer(int n, const ReceivedRequest&)> script);
  ~WebhookReceiver();

  int port() const { return port_; }
  std::string Url(const std::string& path = "/hook") const;

  // Closes the port (connections are refused) until Up().
  void Down();
  void Up();

  std::vector<ReceivedRequest> requests() const;

 private:
  void Listen();
  void Accept();
  void Serve(int fd);

  const std::function<Answer(int, const ReceivedRequest&)> script_;
  int port_ = 0;
  std::atomic<int> listen_fd_{-1};
  std::atomic<bool> want_up_{true};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

// Recomputes the Standard Webhooks signature with OpenSSL directly: true when `request`'s
// webhook-signature is "v1," + base64(HMAC-SHA256(secret bytes, id.timestamp.body)).
bool SignatureVerifies(const ReceivedRequest& request, const std::string& secret);

}  // namespace news::testing

#endif  // NEWS_TESTS_WEBHOOKS_WEBHOOK_RECEIVER_H_
