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

#include "cli/fit_options.hpp"
#include "cli/harmonic_columns.hpp"
#include "cli/table_meta.hpp"
#include "isoster/fit.hpp"

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
    m.items.push_back({k, v, com, false});
  };
  auto num = [&](const char* k, double v, const char* com) {
    m.items.push_back(io::numeric_item(k, v, com));
  };
  add_input_keywords(m, input, info);
  if (!info.band.empty()) str("BAND", info.band, "band of the plane read");
  str("MASK", job.mask, "mask image (non-zero = bad)");
  str("VARIANCE", job.variance, job.weight ? "weight map (WLS)" : "variance map (WLS)");
  add_convention_keywords(m);
  str("COMPAT", to_string(c.compat), "behaviour family");
  num("XSTART", res.x_start, "start centre x after the locator");
  num("YSTART", res.y_start, "start centre y after the locator");
  num("X0IN", c.x0, "x0 given (NaN: image centre)");
  num("Y0IN", c.y0, "y0 given (NaN: image centre)");
  num("SMA0", c.sma0, "first SMA");
  num("EPS0", c.eps0, "start ellipticity");
  num("PA0", c.pa0_deg(), "start PA, deg from +x");
  num("MINSMA", c.minsma, "smallest SMA");
  num("MAXSMA", c.maxsma, "largest SMA (NaN: unset)");
  num("STEP", c.step, "SMA step");
  num("LINEAR", c.linear_step ? 1 : 0, "linear SMA step");
  str("INTEGR", to_string(c.integrator), "integration mode");
  num("USCLIP", c.usclip, "upper clipping threshold");
  num("LSCLIP", c.lsclip, "lower clipping threshold");
  num("NCLIP", c.nclip, "clipping passes");
  num("FFLAG", c.fflag_value(), "largest flagged fraction");
  num("MAXGERR", c.maxgerr, "largest relative gradient error");
  num("CONVER", c.conver, "convergence factor");
  num("MINIT", c.minit, "minimum passes");
  num("MAXIT", c.maxit, "maximum passes");
  num("MAXRIT", c.maxrit, "no iteration beyond (NaN: unset)");
  num("WANDER", c.wander, "largest centre move (NaN: unset)");
  num("SOFT", c.soft ? 1 : 0, "soft gradient test");
  num("FIXCEN", c.fix_center ? 1 : 0, "centre held");
  num("FIXPA", c.fix_pa ? 1 : 0, "PA held");
  num("FIXEPS", c.fix_eps ? 1 : 0, "ellipticity held");
  num("OLTHRESH", c.olthresh, "object locator threshold");
  num("RECENTER", c.recenter ? 1 : 0, "locator moves the centre");
  num("GRADREF0", c.grad_ref0, "initial gradient reference");
  num("FLUXES", c.fluxes ? 1 : 0, "TFLUX/NPIX computed");
  num("SIMHARM", c.simultaneous_harmonics ? 1 : 0, "3rd/4th harmonics fitted jointly (ISOFIT)");
  str("SAMPLING", c.sampling_eccentric ? "eccentric" : "polar", "sampling variable");
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
    if (res.status != 0) {
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
        metas[p].items.push_back({"REFPLANE", std::to_string(info.plane),
                                  "0-based plane whose fit gives the geometry", true});
        metas[p].items.push_back({"FORCED", p == info.plane ? "0" : "1",
                                  "1: measured on the reference plane's geometry", true});
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
  FitJob job;
  try {
    if (!parse_fit_options(argc, argv, job)) return 0;
  } catch (const UsageError& e) {
    std::cerr << "isoster fit: " << e.message << '\n';
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
        std::cerr << "isoster fit: two inputs would both write " << outputs[i] << '\n';
        return 2;
      }
    }
    std::error_code ec;
    fs::create_directories(job.output_dir, ec);
    if (!fs::is_directory(job.output_dir)) {
      std::cerr << "isoster fit: cannot create output folder " << job.output_dir << '\n';
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
      std::cerr << "isoster fit: error: " << o.line << '\n';
    }
  }
  if (failed > 0 && n > 1)
    std::cerr << "isoster fit: " << failed << " of " << n << " images failed\n";
  return failed > 0 ? 1 : 0;
}

}  // namespace isoster::cli
