#include "server/transport/site_activity_interceptor.h"

#include "server/transport/client_identity.h"

namespace news {
namespace {

class SiteActivityInterceptor : public grpc::experimental::Interceptor {
 public:
  SiteActivityInterceptor(grpc::experimental::ServerRpcInfo* info, SiteActivity& activity,
                          const std::function<absl::Time()>& clock)
      : info_(info), activity_(activity), clock_(clock) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      activity_.RecordRequest(
          ClientIdentity(*methods->GetRecvInitialMetadata(), info_->server_context()->peer()),
          clock_());
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  SiteActivity& activity_;
  const std::function<absl::Time()>& clock_;
};

}  // namespace

grpc::experimental::Interceptor* SiteActivityInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new SiteActivityInterceptor(info, activity_, clock_);
}

}  // namespace news
