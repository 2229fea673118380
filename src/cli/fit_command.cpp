#include "cli/fit_command.hpp"

#include <omp.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "cli/command_line.hpp"
#include "cli/fit_options.hpp"
#include "cli/harmonic_columns.hpp"
#include "cli/table_meta.hpp"
#include "isoster/fit.hpp"
#include "isoster/parameters.hpp"
#include "pipeline/log.hpp"

namespace fs = std::filesystem;

namespace isoster::cli {

namespace {

std::string stem_of(const std::string& spec) {
  std::string file = spec.substr(0, spec.find('['));
  std::string name = fs::path(file).filename().string();
  for (const char* ext : {".gz", ".fz", ".fits", ".fit", ".fts"}) {
    const std::string e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0)
      name.resize(name.size() - e.size());
  }
  return name;
}

const char* extension(io::TableFormat f) {
  switch (f) {
    case io::TableFormat::Fits:
      return ".fits";
    case io::TableFormat::Ecsv:
      return ".ecsv";
    case io::TableFormat::Csv:
      return ".csv";
  }
  return ".fits";
}

io::TableMeta make_meta(const FitJob& job, const std::string& input, const io::ImageInfo& info,
                        const FitResult& res) {
  const FitConfig& c = job.cfg;
  io::TableMeta m;
  auto str = [&](const char* k, const std::string& v, const char* com) {
    m.items.push_back(io::text_item(k, v, com));
  };
  auto num = [&](const char* k, double v, const char* com) {
    m.items.push_back(io::numeric_item(k, v, com));
  };
  add_input_keywords(m, input, info);
  if (!info.band.empty()) str("BAND", info.band, "band of the plane read");
  str("MASK", job.mask, "mask image (non-zero = bad)");
  str("VARIANCE", job.variance, job.weight ? "weight map (WLS)" : "variance map (WLS)");
  add_convention_keywords(m);
  // COMPAT, then where the fit started, then the other parameters (the order of every table
  // written so far).
  const std::vector<io::HeaderItem> params = parameter_keywords(c, kFitHeader);
  m.items.push_back(params.front());
  num("XSTART", res.x_start, "start centre x after the locator");
  num("YSTART", res.y_start, "start centre y after the locator");
  m.items.insert(m.items.end(), params.begin() + 1, params.end());
  // Curve of growth (TFLUX_E is the flux inside each ellipse): its summary.
  const GrowthSummary g = growth_summary(res.rows);
  num("TOTFLUX", g.total_flux, "flux inside the outermost ellipse (TFLUX_E)");
  num("RHALF", g.half_light_sma, "SMA enclosing half of TOTFLUX (pix)");
  return m;
}

struct Outcome {
  bool ok = false;
  std::string line;
};

// forced_threads: the threads fit_forced shares each other plane's rows among (--all-planes).
Outcome fit_one(const FitJob& job, const std::string& input, const std::string& output,
                int forced_threads) {
  Outcome o;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    io::ImageInfo info;
    Image img = io::read_image(input, job.plane, &info);
    if (!job.mask.empty()) {
      const auto mask = io::read_mask(job.mask, img.nx(), img.ny());
      apply_mask(img, mask.data());
    }
    Image var;
    if (!job.variance.empty()) {
      var = io::read_variance(job.variance, job.plane, img.nx(), img.ny(), job.weight);
      check_variance(img.view(), job.cfg, var.view());
    }
    const ImageView vview = var.view();
    const FitResult res = fit_image(img.view(), job.cfg, job.variance.empty() ? nullptr : &vview);
    if (res.status != FitStatus::Ok) {
      o.line = input + ": " + res.message;
      return o;
    }
    if (job.all_planes) {
      // Multiband: the reference plane fitted, every other plane measured on its geometry
      // (forced photometry): one ISOPHOTES HDU per band, named after the band, with the same
      // SMA grid and geometry.
      std::vector<ForcedGeometry> geom;
      for (const auto& r : res.rows)
        geom.push_back({r.sma, r.x0, r.y0, r.sma > 0 ? r.ellip : 0, r.sma > 0 ? r.pa : 0});
      std::vector<std::vector<Isophote>> rows(static_cast<std::size_t>(info.nz));
      std::vector<io::TableMeta> metas(static_cast<std::size_t>(info.nz));
      std::vector<io::BandTable> bands;
      std::set<std::string> names;
      for (long p = 0; p < info.nz; ++p) {
        io::PlaneRequest req = job.plane;
        req.plane = static_cast<int>(p);
        io::ImageInfo pi;
        Image band;
        if (p == info.plane) {
          rows[p] = res.rows;
          pi = info;
        } else {
          band = io::read_image(input, req, &pi);
          if (!job.mask.empty()) {
            const auto mask = io::read_mask(job.mask, band.nx(), band.ny());
            apply_mask(band, mask.data());
          }
          rows[p] = fit_forced(band.view(), geom, job.cfg, nullptr, forced_threads);
        }
        metas[p] = make_meta(job, input, pi, res);
        add_harmonic_columns(p == info.plane ? img.view() : band.view(), rows[p], job.harmonics,
                             job.cfg, nullptr, metas[p]);
        metas[p].items.push_back(
            io::numeric_item("REFPLANE", info.plane, "0-based plane whose fit gives the geometry"));
        metas[p].items.push_back(io::numeric_item("FORCED", p == info.plane ? 0 : 1,
                                                  "1: measured on the reference plane's geometry"));
        std::string name = pi.band.empty() ? "PLANE" + std::to_string(p) : pi.band;
        while (names.count(name)) name += "_" + std::to_string(p);
        names.insert(name);
        bands.push_back({name, &rows[p], &metas[p]});
      }
      io::write_tables(output, bands);
    } else {
      io::TableMeta meta = make_meta(job, input, info, res);
      add_harmonic_columns(img.view(), res.rows, job.harmonics, job.cfg,
                           job.variance.empty() ? nullptr : &vview, meta);
      io::write_table(output, res.rows, meta, job.format);
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::map<int, int> codes;
    double smax = 0;
    const Isophote* at0 = nullptr;
    for (const auto& r : res.rows) {
      if (r.sma > 0) ++codes[r.stop];
      smax = std::max(smax, r.sma);
      if (std::fabs(r.sma - job.cfg.sma0) < 1e-9) at0 = &r;
    }
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(2);
    s << input << ": " << res.rows.size() << " isophotes to sma " << smax << " px";
    if (at0) {
      s << ", at sma0: x0 " << at0->x0 << " y0 " << at0->y0;
      s.precision(3);
      s << " eps " << at0->ellip;
      s.precision(1);
      s << " pa " << at0->pa;
    }
    s << ", stop codes";
    for (const auto& [k, v] : codes) s << ' ' << k << ':' << v;
    s.precision(1);
    s << ", " << ms << " ms -> " << output;
    o.ok = true;
    o.line = s.str();
  } catch (const io::IoError& e) {
    o.line = e.what();  // already names the file
  } catch (const std::exception& e) {
    o.line = input + ": " + e.what();
  }
  return o;
}

}  // namespace

int run_fit(int argc, const char* const* argv) {
  log::init("isoster fit");
  FitJob job;
  try {
    if (!parse_fit_options(argc, argv, job)) return 0;
  } catch (const UsageError& e) {
    log::usage(e.what());
    return 2;
  }
  const std::size_t n = job.images.size();
  std::vector<std::string> outputs(n);
  if (!job.output.empty()) {
    outputs[0] = job.output;
  } else {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < n; ++i) {
      outputs[i] = (fs::path(job.output_dir) /
                    (stem_of(job.images[i]) + ".isophotes" + extension(job.format)))
                       .string();
      if (!seen.insert(outputs[i]).second) {
        log::usage("two inputs would both write " + outputs[i]);
        return 2;
      }
    }
    std::error_code ec;
    fs::create_directories(job.output_dir, ec);
    if (!fs::is_directory(job.output_dir)) {
      log::error("cannot create output folder " + job.output_dir);
      return 1;
    }
  }
  const int threads = job.threads > 0 ? job.threads : omp_get_num_procs();
  std::vector<Outcome> out(n);
  // Images differ in cost; dynamic scheduling keeps every thread busy. Each result goes to its own
  // slot, so the output does not depend on the thread count. A single image gets the threads for
  // its forced planes' rows instead.
  if (n == 1) {
    out[0] = fit_one(job, job.images[0], outputs[0], threads);
  } else {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (long i = 0; i < static_cast<long>(n); ++i)
      out[i] = fit_one(job, job.images[i], outputs[i], 1);
  }
  int failed = 0;
  for (const auto& o : out) {
    if (o.ok) {
      if (!job.quiet) std::cout << o.line << '\n';
    } else {
      ++failed;
      log::error(o.line);
    }
  }
  if (failed > 0 && n > 1)
    log::note(std::to_string(failed) + " of " + std::to_string(n) + " images failed");
  return failed > 0 ? 1 : 0;
}

}  // namespace isoster::cli
