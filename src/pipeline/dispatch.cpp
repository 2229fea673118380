#include "pipeline/dispatch.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/log.hpp"
#include "pipeline/run_util.hpp"

namespace isoster::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

enum Tag : int { kReady = 1, kWork = 2, kStop = 3 };

// Open MPI's blocking receive busy-polls a core; between polls we sleep instead.
constexpr auto kPollSleep = std::chrono::microseconds(200);

// A reply usually comes at once: poll for a short while before sleeping between polls.
void wait_probe(MPI_Comm comm, int source, MPI_Status& st) {
  const auto spin_until = Clock::now() + std::chrono::microseconds(20);
  for (;;) {
    int flag = 0;
    MPI_Iprobe(source, MPI_ANY_TAG, comm, &flag, &st);
    if (flag) return;
    if (Clock::now() > spin_until) std::this_thread::sleep_for(kPollSleep);
  }
}

// The master's own worker: a thread of rank 0 that fits batches handed over in memory.
class LocalWorker {
 public:
  explicit LocalWorker(BatchFitter& fitter) : fitter_(fitter), thread_([this] { loop(); }) {}
  ~LocalWorker() {
    {
      std::lock_guard<std::mutex> l(m_);
      quit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  bool idle() {
    std::lock_guard<std::mutex> l(m_);
    return !busy_;
  }
  void give(std::vector<std::int64_t> batch) {
    {
      std::lock_guard<std::mutex> l(m_);
      batch_ = std::move(batch);
      busy_ = true;
    }
    cv_.notify_all();
  }
  // Galaxies finished and failed since the last call.
  void take_counts(long& done, long& failed) {
    std::lock_guard<std::mutex> l(m_);
    done = done_;
    failed = failed_;
    done_ = failed_ = 0;
  }
  std::string error() {
    std::lock_guard<std::mutex> l(m_);
    return error_;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> l(m_);
    for (;;) {
      cv_.wait(l, [this] { return quit_ || (busy_ && !batch_.empty()); });
      if (quit_) return;
      std::vector<std::int64_t> b = std::move(batch_);
      batch_.clear();
      l.unlock();
      long failed = 0;
      std::string err;
      try {
        failed = fitter_.run(b);
      } catch (const std::exception& e) {
        err = e.what();
      }
      l.lock();
      if (!err.empty()) error_ = err;
      done_ += static_cast<long>(b.size());
      failed_ += failed;
      busy_ = false;
    }
  }

  BatchFitter& fitter_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::int64_t> batch_;
  bool busy_ = false, quit_ = false;
  long done_ = 0, failed_ = 0;
  std::string error_;
  std::thread thread_;
};

}  // namespace

void install_stop_handlers() {
  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR1, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);
}

DispatchCounts dispatch(const CampaignOptions& opt, MPI_Comm comm, std::deque<std::int64_t> queue,
                        long total, long already, BatchFitter& fitter, bool& drained) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  LocalWorker local(fitter);
  std::vector<long> out(size, 0);  // galaxies in the hands of each rank
  long outstanding = 0;
  std::vector<int> parked;
  bool stop_seen = false;
  DispatchCounts c;
  const auto t0 = Clock::now();
  auto last_report = t0, last_activity = t0;
  const long todo = static_cast<long>(queue.size());
  auto next_batch = [&]() {
    const long remaining = static_cast<long>(queue.size());
    long n = (remaining + 3L * size - 1) / (3L * size);  // batches shrink near the end
    const long most = std::max(1L, opt.batch_max);
    n = std::clamp<long>(n, std::min<long>(std::max(1, opt.threads), most), most);
    n = std::min(n, remaining);
    std::vector<std::int64_t> b(queue.begin(), queue.begin() + n);
    queue.erase(queue.begin(), queue.begin() + n);
    ++c.batches;
    return b;
  };
  auto send_work = [&](int r) {
    std::vector<std::int64_t> b = next_batch();
    out[r] = static_cast<long>(b.size());
    outstanding += out[r];
    MPI_Send(b.data(), static_cast<int>(b.size()), MPI_INT64_T, r, kWork, comm);
  };
  for (;;) {
    bool acted = false;
    if (!stop_seen && (g_stop || (!opt.stop_file.empty() && exists(opt.stop_file)))) {
      stop_seen = true;
      drained = !queue.empty();
      queue.clear();
      if (!opt.quiet)
        log::note("stop requested: finishing the " + std::to_string(outstanding) +
                  " galaxies in hand, then exiting (resume with --resume)");
    }
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, kReady, comm, &flag, &st);
    if (flag) {
      long report[2] = {0, 0};
      MPI_Recv(report, 2, MPI_LONG, st.MPI_SOURCE, kReady, comm, MPI_STATUS_IGNORE);
      c.done += report[0];
      c.failed += report[1];
      outstanding -= out[st.MPI_SOURCE];
      out[st.MPI_SOURCE] = 0;
      if (!queue.empty())
        send_work(st.MPI_SOURCE);
      else
        parked.push_back(st.MPI_SOURCE);
      acted = true;
    }
    if (local.idle()) {
      long d = 0, f = 0;
      local.take_counts(d, f);
      if (d > 0 || out[0] > 0) {
        c.done += d;
        c.failed += f;
        outstanding -= out[0];
        out[0] = 0;
      }
      const std::string err = local.error();
      if (!err.empty()) throw std::runtime_error(err);
      if (!queue.empty()) {
        std::vector<std::int64_t> b = next_batch();
        out[0] = static_cast<long>(b.size());
        outstanding += out[0];
        local.give(std::move(b));
        acted = true;
      }
    }
    if (queue.empty() && outstanding == 0 && static_cast<int>(parked.size()) == size - 1) break;
    const auto now = Clock::now();
    if (!opt.quiet && opt.progress_seconds > 0 &&
        now - last_report > std::chrono::duration<double>(opt.progress_seconds)) {
      last_report = now;
      const double s = std::chrono::duration<double>(now - t0).count();
      const double rate = c.done / std::max(s, 1e-9);
      const long left = todo - c.done;
      char line[160];
      std::snprintf(line, sizeof line, "%ld/%ld done, %ld failed, %.1f galaxies/s, ETA %.0f s",
                    already + c.done, total, c.failed, rate, rate > 0 ? left / rate : 0.0);
      log::note(line);
    }
    // Busy periods poll without sleeping (replies then take microseconds); an idle master sleeps
    // between polls so that it does not take a core from the fitting threads.
    if (acted)
      last_activity = now;
    else if (now - last_activity < std::chrono::milliseconds(1))
      std::this_thread::yield();
    else
      std::this_thread::sleep_for(kPollSleep);
  }
  for (int r : parked) MPI_Send(nullptr, 0, MPI_INT64_T, r, kStop, comm);
  return c;
}

void serve(MPI_Comm comm, BatchFitter& fitter) {
  long report[2] = {0, 0};
  for (;;) {
    MPI_Send(report, 2, MPI_LONG, 0, kReady, comm);
    MPI_Status st;
    wait_probe(comm, 0, st);
    int n = 0;
    MPI_Get_count(&st, MPI_INT64_T, &n);
    std::vector<std::int64_t> b(static_cast<std::size_t>(n));
    MPI_Recv(b.data(), n, MPI_INT64_T, 0, st.MPI_TAG, comm, MPI_STATUS_IGNORE);
    if (st.MPI_TAG == kStop) return;
    report[0] = n;
    report[1] = fitter.run(b);
  }
}

void release_workers(MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  for (int r = 1; r < size; ++r) MPI_Send(nullptr, 0, MPI_INT64_T, r, kStop, comm);
}

}  // namespace isoster::pipeline
