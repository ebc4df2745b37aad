#include "common/fs/owned_file.h"

#include <unistd.h>

namespace leancache::fs {

void OwnedFile::Remove() {
  if (path_.empty()) return;
  ::unlink(path_.c_str());  // ENOENT: already renamed or removed; nothing else to do
  path_.clear();
}

}  // namespace leancache::fs
