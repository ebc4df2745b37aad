#pragma once
// Classification of HTTP status codes returned by cache hosts (spec mathlib-cache.md §5.2, §5.3,
// §7.1). The transport's verdicts are made with these rules and nowhere else.

namespace leancache::transfer {

// Whether a download answered with `status` is a cache miss (the file is simply not there) rather
// than a failure. 404 is always a miss; 403 is a miss only for the `legacy` container (Azure
// answers 403 for a missing blob there); 200, 401, 500, ... are never misses.
bool IsMissStatus(long status, bool forbidden_is_miss);

// Whether an upload that did not ask to overwrite (`If-None-Match: *`) was refused because the
// object already exists: 409 or 412. 201, 404, 500, ... are not.
bool IsAlreadyPresentStatus(long status);

// Whether `status` means the transfer succeeded: 200 or 201 for a download, also 204 (an
// overwrite without body) for an upload.
bool IsDeliveredStatus(long status, bool is_upload);

}  // namespace leancache::transfer
