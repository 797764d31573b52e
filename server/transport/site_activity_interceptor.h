#ifndef NEWS_SERVER_TRANSPORT_SITE_ACTIVITY_INTERCEPTOR_H_
#define NEWS_SERVER_TRANSPORT_SITE_ACTIVITY_INTERCEPTOR_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include <functional>

#include "absl/time/time.h"
#include "server/domain/site_activity.h"

namespace news {

// Notes every incoming call of every service in SiteActivity (online clients and visits), keyed
// by ClientIdentity, when its metadata arrives. `activity` must outlive the server.
class SiteActivityInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  SiteActivityInterceptorFactory(SiteActivity& activity, std::function<absl::Time()> clock)
      : activity_(activity), clock_(std::move(clock)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  SiteActivity& activity_;
  std::function<absl::Time()> clock_;
};

}  // namespace news

#endif  // NEWS_SERVER_TRANSPORT_SITE_ACTIVITY_INTERCEPTOR_H_
