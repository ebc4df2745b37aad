#include "daemon/transfer/http_verdict.h"

namespace leancache::transfer {

bool IsMissStatus(long status, bool forbidden_is_miss) {
  return status == 404 || (status == 403 && forbidden_is_miss);
}

bool IsAlreadyPresentStatus(long status) { return status == 409 || status == 412; }

bool IsDeliveredStatus(long status, bool is_upload) {
  return status == 200 || status == 201 || (is_upload && status == 204);
}

}  // namespace leancache::transfer
