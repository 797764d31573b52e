#ifndef NEWS_SERVER_APP_ENVIRONMENT_H_
#define NEWS_SERVER_APP_ENVIRONMENT_H_

#include <cstdlib>
#include <string>

namespace news {

// The value of environment variable `name`, or `fallback` when it is unset or empty. Used for
// flag defaults, so that every flag can also be set from the environment.
inline std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

inline int EnvOr(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

}  // namespace news

#endif  // NEWS_SERVER_APP_ENVIRONMENT_H_
