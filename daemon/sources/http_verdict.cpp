#include "daemon/sources/http_verdict.h"

namespace leancache::sources {

bool IsMissStatus(int status, bool forbidden_is_miss) {
  return status == 404 || (status == 403 && forbidden_is_miss);
}

bool IsAlreadyPresentStatus(int status) { return status == 409 || status == 412; }

bool IsDeliveredStatus(int status) { return status == 200 || status == 201; }

}  // namespace leancache::sources
