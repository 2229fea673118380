#include "pipeline/campaign.hpp"

#include <omp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "io/fits_image.hpp"
#include "io/results_h5.hpp"
#include "io/table_reader.hpp"
#include "isoster/version.hpp"
#include "pipeline/catalog.hpp"
#include "pipeline/galaxy.hpp"
#include "pipeline/journal.hpp"
#include "pipeline/journal_merge.hpp"
#include "pipeline/run_util.hpp"

namespace isoster::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

enum Tag : int { kReady = 1, kWork = 2, kStop = 3 };

// A work item: a catalog row and, in forced mode, a range of its template's rows.
constexpr int kPartBits = 20;
std::int64_t item_of(std::int64_t index, std::int32_t part) { return (index << kPartBits) | part; }
std::int64_t item_index(std::int64_t item) { return item >> kPartBits; }
std::int32_t item_part(std::int64_t item) {
  return static_cast<std::int32_t>(item & ((1 << kPartBits) - 1));
}

// Open MPI's blocking receive busy-polls a core; between polls we sleep instead.
constexpr auto kPollSleep = std::chrono::microseconds(200);

// A reply usually comes within microseconds: poll for 20 us before sleeping between polls.
void wait_probe(MPI_Comm comm, int source, MPI_Status& st) {
  const auto spin_until = Clock::now() + std::chrono::microseconds(20);
  for (;;) {
    int flag = 0;
    MPI_Iprobe(source, MPI_ANY_TAG, comm, &flag, &st);
    if (flag) return;
    if (Clock::now() > spin_until) std::this_thread::sleep_for(kPollSleep);
  }
}

long file_size(const std::string& p) {
  struct stat s;
  return ::stat(p.c_str(), &s) == 0 ? static_cast<long>(s.st_size) : 0;
}

// The image part of a CFITSIO file name ("a.fits[1]" -> "a.fits").
std::string file_part(const std::string& image) {
  const auto k = image.find('[');
  return k == std::string::npos ? image : image.substr(0, k);
}

// Fits batches of catalog rows with the rank's OpenMP threads and journals each batch.
class BatchFitter {
 public:
  BatchFitter(const Catalog& cat, const FitConfig& cfg, int rank, int threads, bool noop,
              long part_rows, const std::string& journal, std::uint64_t config_sha)
      : cat_(cat), cfg_(cfg), rank_(rank), threads_(threads), noop_(noop), part_rows_(part_rows) {
    if (!noop_) journal_ = std::make_unique<JournalWriter>(journal, config_sha);
  }
  // Returns the number of galaxies that failed.
  long run(const std::vector<std::int64_t>& items) {
    std::vector<GalaxyResult> res(items.size());
    std::vector<std::int64_t> rows(items.size());
    for (std::size_t k = 0; k < items.size(); ++k) rows[k] = item_index(items[k]);
    if (!noop_) {
      std::vector<Box> boxes = tile_boxes(rows);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_)
      for (long k = 0; k < static_cast<long>(items.size()); ++k) {
        const CatalogRow& row = cat_.rows[rows[k]];
        const Box& b = boxes[k];
        if (!row.templ.empty())
          res[k] = fit_galaxy_forced(row, rows[k], cfg_, item_part(items[k]), part_rows_);
        else if (b.ok)
          res[k] = fit_galaxy_box(row, rows[k], cfg_, b.pixels, b.ox, b.oy, b.nx, b.ny);
        else
          res[k] = fit_galaxy(row, rows[k], cfg_);
        if (b.ok && row.templ.empty()) res[k].read_seconds = b.read_seconds;
      }
    }
    long failed = 0;
    for (std::size_t k = 0; k < items.size(); ++k) {
      res[k].index = rows[k];
      res[k].part = item_part(items[k]);
      failed += res[k].status != kOk;
    }
    if (journal_) {
      // Every record is written at once (it survives SIGKILL); fdatasync at most every 2 s.
      const bool sync = Clock::now() - last_sync_ > std::chrono::seconds(2);
      journal_->append(res, rank_, sync);
      if (sync) last_sync_ = Clock::now();
    }
    return failed;
  }
  void flush() {
    if (journal_) journal_->sync();
  }

 private:
  // Tile mode: the pixels of a galaxy's own box (galaxy_box), cut from one read of a region.
  struct Box {
    bool ok = false;
    Image pixels;
    long ox = 0, oy = 0, nx = 0, ny = 0;
    double read_seconds = 0;
  };

  // Tile mode. A row whose image plane other catalog rows also read (a tile), and which can be
  // boxed, is fitted on its own box (galaxy_box) rather than on the whole image. The galaxies of
  // a batch on the same tile are read together: the union of their boxes once, with
  // fits_read_subset, each box cut from it. What a fit sees depends on its catalog row alone,
  // never on the batches: results do not depend on the number of ranks.
  std::vector<Box> tile_boxes(const std::vector<std::int64_t>& idx) const {
    std::vector<Box> boxes(idx.size());
    std::map<std::pair<std::string, int>, std::vector<std::size_t>> groups;
    std::vector<std::array<long, 4>> want(idx.size());
    for (std::size_t k = 0; k < idx.size(); ++k) {
      const CatalogRow& row = cat_.rows[idx[k]];
      auto& w = want[k];
      if (row.shared && galaxy_box(row, cfg_, w[0], w[1], w[2], w[3]))
        groups[{row.image, row.plane}].push_back(k);
    }
    for (const auto& [key, members] : groups) {
      std::array<long, 4> u = want[members[0]];
      for (std::size_t m : members) {
        u[0] = std::min(u[0], want[m][0]);
        u[1] = std::min(u[1], want[m][1]);
        u[2] = std::max(u[2], want[m][2]);
        u[3] = std::max(u[3], want[m][3]);
      }
      const auto t0 = Clock::now();
      io::PlaneRequest req;
      req.plane = key.second;
      req.x0 = u[0];
      req.y0 = u[1];
      req.x1 = u[2];
      req.y1 = u[3];
      io::ImageInfo info;
      Image region;
      try {
        region = io::read_image(key.first, req, &info);
      } catch (const std::exception&) {
        continue;  // each galaxy reads (and reports) on its own
      }
      const double per = std::chrono::duration<double>(Clock::now() - t0).count() / members.size();
      for (std::size_t m : members) {
        const long x0 = std::max(want[m][0], 0L), y0 = std::max(want[m][1], 0L);
        const long x1 = std::min(want[m][2], info.nx - 1), y1 = std::min(want[m][3], info.ny - 1);
        if (x1 < x0 || y1 < y0) continue;  // off the image: the cutout path reports it
        Box& b = boxes[m];
        b.pixels = Image(static_cast<int>(x1 - x0 + 1), static_cast<int>(y1 - y0 + 1));
        for (long j = y0; j <= y1; ++j)
          std::copy_n(region.data() + (j - info.region_y0) * region.nx() + (x0 - info.region_x0),
                      x1 - x0 + 1, b.pixels.data() + (j - y0) * b.pixels.nx());
        b.ok = true;
        b.ox = x0;
        b.oy = y0;
        b.nx = info.nx;
        b.ny = info.ny;
        b.read_seconds = per;
      }
    }
    return boxes;
  }

  const Catalog& cat_;
  const FitConfig& cfg_;
  int rank_, threads_;
  bool noop_;
  long part_rows_;
  std::unique_ptr<JournalWriter> journal_;
  Clock::time_point last_sync_ = Clock::now();
};

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

struct Counts {
  long done = 0, failed = 0, batches = 0;
};

// Rank 0's dispatch loop. Returns the galaxies finished in this run.
Counts master(const CampaignOptions& opt, MPI_Comm comm, std::deque<std::int64_t> queue, long total,
              long already, BatchFitter& fitter, bool& drained) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  LocalWorker local(fitter);
  std::vector<long> out(size, 0);  // galaxies in the hands of each rank
  long outstanding = 0;
  std::vector<int> parked;
  bool stop_seen = false;
  Counts c;
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
        std::cerr << "campaign: stop requested: finishing the " << outstanding
                  << " galaxies in hand, then exiting (resume with --resume)\n";
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
      std::fprintf(stderr, "campaign: %ld/%ld done, %ld failed, %.1f galaxies/s, ETA %.0f s\n",
                   already + c.done, total, c.failed, rate, rate > 0 ? left / rate : 0.0);
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

void worker(MPI_Comm comm, BatchFitter& fitter) {
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

std::string shard_text(const CampaignOptions& opt) {
  return std::to_string(opt.shard_index) + "/" + std::to_string(opt.shard_count);
}

std::string manifest_text(const CampaignOptions& opt, const Catalog& cat, std::uint64_t sha) {
  std::ostringstream m;
  m << "isoster-campaign-journal 1\n"
    << "isoster_version=" << ISOSTER_VERSION << "\n"
    << "config_sha=" << hex64(sha) << "\n"
    << "catalog_sha=" << hex64(cat.checksum) << "\n"
    << "catalog=" << opt.catalog << "\n"
    << "rows=" << cat.rows.size() << "\n"
    << "shard=" << shard_text(opt) << "\n";
  return m.str();
}

std::map<std::string, std::string> parse_manifest(const std::string& path) {
  std::map<std::string, std::string> kv;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto k = line.find('=');
    if (k != std::string::npos) kv[line.substr(0, k)] = line.substr(k + 1);
  }
  return kv;
}

Shard take_shard(Catalog& cat, long index, long count) {
  Shard s;
  s.catalog_rows = static_cast<long>(cat.rows.size());
  s.first_row = s.catalog_rows * index / count;
  const long end = s.catalog_rows * (index + 1) / count;
  if (count > 1) {
    cat.rows.erase(cat.rows.begin() + end, cat.rows.end());
    cat.rows.erase(cat.rows.begin(), cat.rows.begin() + s.first_row);
  }
  return s;
}

// Rank 0: checks or creates the journal folder. Returns an error message (empty: fine) and the
// attempt number for this run's journals.
std::string prepare_journal(const CampaignOptions& opt, const Catalog& cat, std::uint64_t sha,
                            const std::string& dir, int& attempt) {
  const std::string manifest = dir + "/manifest";
  attempt = 0;
  if (exists(manifest)) {
    if (!opt.resume)
      return dir + " holds an unfinished campaign: rerun with --resume, or remove the folder";
    const auto kv = parse_manifest(manifest);
    auto differs = [&](const char* key, const std::string& v) {
      const auto it = kv.find(key);
      return it == kv.end() || it->second != v;
    };
    if (differs("config_sha", hex64(sha)))
      return "--resume refused: the fit configuration differs from the one of " + dir;
    if (differs("catalog_sha", hex64(cat.checksum)) ||
        differs("rows", std::to_string(cat.rows.size())))
      return "--resume refused: the catalog differs from the one of " + dir;
    // Journals from before shards existed hold the whole catalog.
    const auto shard = kv.find("shard");
    if ((shard == kv.end() ? std::string("0/1") : shard->second) != shard_text(opt))
      return "--resume refused: --shard differs from the one of " + dir + " (" +
             (shard == kv.end() ? std::string("0/1") : shard->second) + ")";
    for (const auto& f : journal_files(dir)) {
      long r = 0, a = 0;
      const auto k = f.find_last_of('/');
      if (std::sscanf(f.c_str() + k + 1, "rank-%ld-%ld", &r, &a) == 2)
        attempt = std::max(attempt, static_cast<int>(a) + 1);
    }
    return "";
  }
  if (!opt.overwrite && exists(opt.output))
    return opt.output + " exists (use --overwrite to replace it)";
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return dir + ": cannot create the journal folder (" + std::strerror(errno) + ")";
  try {
    write_file_atomic(manifest, manifest_text(opt, cat, sha));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

void remove_journal(const std::string& dir) {
  for (const auto& f : journal_files(dir)) std::remove(f.c_str());
  std::remove((dir + "/manifest").c_str());
  std::remove((dir + "/drained").c_str());
  ::rmdir(dir.c_str());
}

}  // namespace

int run_campaign(const CampaignOptions& opt_in, MPI_Comm world) {
  MPI_Comm comm;
  MPI_Comm_dup(world, &comm);  // the queue's messages cannot match anybody else's
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  CampaignOptions opt = opt_in;
  const std::string start_utc = utc_now();
  auto fail_all = [&](const std::string& msg) {
    if (rank == 0) std::cerr << "isoster campaign: error: " << msg << '\n';
    MPI_Comm_free(&comm);
    return kCampaignFailed;
  };
  // A wrong launcher starts N one-rank copies: refuse rather than run N times.
  if (opt.expect_ranks > 0 && opt.expect_ranks != size)
    return fail_all(
        "--expect-ranks " + std::to_string(opt.expect_ranks) + " but this MPI world has " +
        std::to_string(size) +
        (size == 1 ? " rank: is the launcher MPI-aware (srun --mpi=pmix, mpirun)?" : " ranks"));
  if (const char* nt = std::getenv("SLURM_NTASKS"); nt != nullptr && std::getenv("SLURM_JOB_ID")) {
    if (std::atoi(nt) != size && rank == 0 && size == 1)
      return fail_all("SLURM_NTASKS=" + std::string(nt) +
                      " but this MPI world has 1 rank: launch with srun --mpi=pmix (or mpirun)");
  }
  if (opt.threads <= 0) {
    MPI_Comm node;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    int local = 1;
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
    opt.threads = std::max(1, omp_get_num_procs() / local);
  }

  Catalog cat;
  std::string error;
  try {
    cat = read_catalog(opt.catalog);
  } catch (const std::exception& e) {
    error = e.what();
  }
  // Every rank reads the catalog; all stop if any could not (rank 0's message, or a generic one).
  int read_ok = error.empty() ? 1 : 0, all_read = 0;
  MPI_Allreduce(&read_ok, &all_read, 1, MPI_INT, MPI_MIN, comm);
  if (!all_read) {
    if (rank == 0 && error.empty()) error = "another rank could not read " + opt.catalog;
    return fail_all(error);
  }
  // A shard keeps its slice of the rows. Duplicate ids and shared images were found over the
  // whole catalog, and the string widths are the whole catalog's: the shards merge into exactly
  // the file of an unsharded run.
  const Shard shard = take_shard(cat, opt.shard_index, opt.shard_count);
  const std::string cfg_text = to_text(opt.cfg);
  const std::uint64_t sha = fnv1a64(cfg_text.data(), cfg_text.size());
  const std::string dir = opt.output + ".journal";
  int attempt = 0;
  if (rank == 0 && !opt.noop) error = prepare_journal(opt, cat, sha, dir, attempt);
  error = bcast_string(error, comm);
  if (!error.empty()) return fail_all(error);
  MPI_Bcast(&attempt, 1, MPI_INT, 0, comm);

  std::signal(SIGTERM, on_stop_signal);
  std::signal(SIGUSR1, on_stop_signal);
  std::signal(SIGINT, on_stop_signal);

  const std::string journal =
      dir + "/rank-" + std::to_string(rank) + "-" + std::to_string(attempt) + ".bin";
  int ok = 1;
  std::unique_ptr<BatchFitter> fitter;
  try {
    fitter = std::make_unique<BatchFitter>(cat, opt.cfg, rank, opt.threads, opt.noop,
                                           opt.forced_part_rows, journal, sha);
  } catch (const std::exception& e) {
    ok = 0;
    error = e.what();
  }
  int all_ok = 0;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, comm);
  if (!all_ok) return fail_all(error.empty() ? "cannot open a journal" : error);

  long total = 0;  // work items: galaxies, or ranges of a forced galaxy's template rows
  int complete = 0;
  const auto t0 = Clock::now();
  Counts counts;
  long already = 0;
  if (rank == 0) {
    bool d = false;
    try {
      std::set<std::int64_t> done;
      if (opt.resume && !opt.noop)
        for (const auto& f : journal_files(dir))
          read_journal(f, sha,
                       [&](GalaxyResult&& g, int) { done.insert(item_of(g.index, g.part)); });
      // Largest inputs first (file size as the cost estimate), then catalog order; a forced
      // galaxy's template rows in ranges of opt.forced_part_rows.
      std::vector<std::pair<long, std::int64_t>> order;
      for (long k = 0; k < static_cast<long>(cat.rows.size()); ++k) {
        long parts = 1;
        if (!cat.rows[k].templ.empty() && !opt.noop) {
          try {
            const long n = static_cast<long>(io::read_template(cat.rows[k].templ).geometry.size());
            parts = std::max(1L, (n + opt.forced_part_rows - 1) / opt.forced_part_rows);
          } catch (const io::IoError&) {
            // the worker reports the problem as this galaxy's status
          }
          if (parts >= (1L << kPartBits))
            throw std::runtime_error(cat.rows[k].templ + ": too many template rows for " +
                                     "--forced-part-rows " + std::to_string(opt.forced_part_rows));
        }
        const long cost = -file_size(file_part(cat.rows[k].image));
        for (long p = 0; p < parts; ++p, ++total) {
          const std::int64_t item = item_of(k, static_cast<std::int32_t>(p));
          if (done.count(item))
            ++already;
          else
            order.push_back({cost, item});
        }
      }
      std::stable_sort(order.begin(), order.end());
      std::deque<std::int64_t> queue;
      for (const auto& o : order) queue.push_back(o.second);
      if (opt.resume && already > 0 && !opt.quiet)
        std::cerr << "campaign: resuming: " << already << " of " << total
                  << " work items already done\n";
      counts = master(opt, comm, std::move(queue), total, already, *fitter, d);
    } catch (const std::exception& e) {
      error = e.what();
      // Let the workers go; the campaign stays resumable.
      for (int r = 1; r < size; ++r) MPI_Send(nullptr, 0, MPI_INT64_T, r, kStop, comm);
      d = true;
    }
    complete = (already + counts.done == total) ? 1 : 0;
  } else {
    try {
      worker(comm, *fitter);
    } catch (const std::exception& e) {
      std::cerr << "isoster campaign: rank " << rank << ": " << e.what() << '\n';
      MPI_Abort(comm, kCampaignFailed);
    }
  }
  fitter->flush();
  fitter.reset();
  // Every journal is complete and closed before any rank reads another's (close-to-open
  // consistency of network file systems).
  MPI_Barrier(comm);
  int failed_run = error.empty() ? 0 : 1;
  MPI_Bcast(&complete, 1, MPI_INT, 0, comm);
  MPI_Bcast(&failed_run, 1, MPI_INT, 0, comm);
  const double fit_s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (opt.noop) {
    if (rank == 0 && !opt.quiet)
      std::fprintf(stderr,
                   "campaign (no-op): %ld galaxies in %ld batches dispatched in %.3f s: %.0f "
                   "galaxies/s, %.0f batches/s\n",
                   counts.done, counts.batches, fit_s, counts.done / std::max(fit_s, 1e-9),
                   counts.batches / std::max(fit_s, 1e-9));
    MPI_Comm_free(&comm);
    return kCampaignDone;
  }
  if (!complete) {
    if (rank == 0) {
      if (!error.empty()) std::cerr << "isoster campaign: error: " << error << '\n';
      try {
        write_file_atomic(dir + "/drained", std::to_string(already + counts.done) + " of " +
                                                std::to_string(total) + " galaxies done\n");
      } catch (const std::exception&) {
      }
      std::cerr << "campaign: drained: " << already + counts.done << " of " << total
                << " galaxies done; run the same command with --resume to finish\n";
    }
    MPI_Comm_free(&comm);
    return failed_run ? kCampaignFailed : kCampaignDrained;
  }
  // Complete: merge every journal into the results file, collectively.
  const std::string tmp = opt.output + ".tmp";
  const auto tm0 = Clock::now();
  try {
    merge_journals(opt, cat, shard, sha, dir, tmp, comm, opt.threads, start_utc);
  } catch (const CoordinatedError& e) {
    return fail_all(e.what());
  } catch (const std::exception& e) {
    std::cerr << "isoster campaign: rank " << rank << ": merge failed: " << e.what()
              << " (the journals are kept: fix the cause and rerun with --resume)\n";
    MPI_Abort(comm, kCampaignFailed);
  }
  if (rank == 0) {
    if (std::rename(tmp.c_str(), opt.output.c_str()) != 0)
      error = opt.output + ": cannot rename the results file into place";
    else if (!opt.keep_journal)
      remove_journal(dir);
  }
  error = bcast_string(error, comm);
  if (!error.empty()) return fail_all(error);
  if (rank == 0 && !opt.quiet) {
    const double merge_s = std::chrono::duration<double>(Clock::now() - tm0).count();
    std::fprintf(
        stderr,
        "campaign: %ld galaxies (%ld failed this run) on %d ranks x %d threads: fit %.2f s "
        "(%.1f galaxies/s), merge %.2f s -> %s\n",
        total, counts.failed, size, opt.threads, fit_s, counts.done / std::max(fit_s, 1e-9),
        merge_s, opt.output.c_str());
  }
  MPI_Comm_free(&comm);
  return kCampaignDone;
}

}  // namespace isoster::pipeline
