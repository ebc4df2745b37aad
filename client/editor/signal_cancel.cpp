#include "client/editor/signal_cancel.h"

#include <pthread.h>
#include <signal.h>

namespace leancache::editor_client {

SignalCancel::SignalCancel(grpc::ClientContext* context) : context_(context) {
  thread_ = std::thread([this] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    int sig = 0;
    sigwait(&set, &sig);
    if (sig != SIGUSR1) {
      cancelled_ = true;
      context_->TryCancel();
    }
  });
}

SignalCancel::~SignalCancel() {
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
}

}  // namespace leancache::editor_client
