#include "tests/webhooks/webhook_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace news::testing {

WebhookReceiver::WebhookReceiver(std::function<Answer(int, const ReceivedRequest&)> script)
    : script_(std::move(script)) {
  Listen();
  acceptor_ = std::thread([this] { Accept(); });
}

WebhookReceiver::~WebhookReceiver() {
  stopping_ = true;
  acceptor_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(mutex_);
    connections.swap(connections_);
  }
  for (std::thread& connection : connections) connection.join();
}

std::string WebhookReceiver::Url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

void WebhookReceiver::Listen() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port_));
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(fd, 64) != 0) {
    std::abort();
  }
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  listen_fd_ = fd;
}

// The acceptor thread alone opens and closes the port; these wait until it did.
void WebhookReceiver::Down() {
  want_up_ = false;
  while (listen_fd_ >= 0) absl::SleepFor(absl::Milliseconds(1));
}

void WebhookReceiver::Up() {
  want_up_ = true;
  while (listen_fd_ < 0) absl::SleepFor(absl::Milliseconds(1));
}

std::vector<ReceivedRequest> WebhookReceiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void WebhookReceiver::Accept() {
  while (!stopping_) {
    if (!want_up_ && listen_fd_ >= 0) {
      close(listen_fd_);
      listen_fd_ = -1;
    }
    if (want_up_ && listen_fd_ < 0) Listen();
    const int fd = listen_fd_.load();
    if (fd < 0) {
      absl::SleepFor(absl::Milliseconds(5));
      continue;
    }
    pollfd wait{fd, POLLIN, 0};
    if (poll(&wait, 1, 20) <= 0) continue;
    const int connection = accept(fd, nullptr, nullptr);
    if (connection < 0) continue;
    std::lock_guard lock(mutex_);
    connections_.emplace_back([this, connection] { Serve(connection); });
  }
}

void WebhookReceiver::Serve(int fd) {
  std::string data;
  char buffer[4096];
  size_t header_end = std::string::npos;
  size_t content_length = 0;
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) {
      close(fd);
      return;
    }
    data.append(buffer, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      for (absl::string_view line : absl::StrSplit(data.substr(0, header_end), "\r\n")) {
        if (absl::StartsWithIgnoreCase(line, "content-length:")) {
          (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(15)), &content_length);
        }
      }
    }
    if (data.size() >= header_end + 4 + content_length) break;
  }
  ReceivedRequest request;
  request.arrival = absl::Now();
  request.body = data.substr(header_end + 4, content_length);
  bool first = true;
  for (absl::string_view line : absl::StrSplit(data.substr(0, header_end), "\r\n")) {
    if (first) {
      std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
      if (parts.size() > 1) request.path = std::string(parts[1]);
      first = false;
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    const std::string name = absl::AsciiStrToLower(line.substr(0, colon));
    const std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    if (name == "webhook-id") request.webhook_id = value;
    if (name == "webhook-timestamp") request.webhook_timestamp = value;
    if (name == "webhook-signature") request.webhook_signature = value;
    if (name == "content-type") request.content_type = value;
  }
  int n;
  {
    std::lock_guard lock(mutex_);
    n = static_cast<int>(requests_.size());
    requests_.push_back(request);
  }
  const Answer answer = script_(n, request);
  absl::SleepFor(answer.delay);
  const std::string response =
      absl::StrCat("HTTP/1.1 ", answer.status, " X\r\nContent-Length: ", answer.body.size(),
                   "\r\nConnection: close\r\n\r\n", answer.body);
  (void)!write(fd, response.data(), response.size());
  close(fd);
}

bool SignatureVerifies(const ReceivedRequest& request, const std::string& secret) {
  std::string key;
  absl::string_view encoded = secret;
  if (!absl::ConsumePrefix(&encoded, "whsec_") || !absl::Base64Unescape(encoded, &key)) {
    return false;
  }
  const std::string content =
      absl::StrCat(request.webhook_id, ".", request.webhook_timestamp, ".", request.body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest, &length);
  const std::string expected = absl::StrCat(
      "v1,", absl::Base64Escape(absl::string_view(reinterpret_cast<char*>(digest), length)));
  // The header may list several space-separated signatures (key rotation).
  for (absl::string_view signature : absl::StrSplit(request.webhook_signature, ' ')) {
    if (signature == expected) return true;
  }
  return false;
}

}  // namespace news::testing
