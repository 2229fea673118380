#include "cli/fit_parameters.hpp"

#include <stdexcept>

namespace po = boost::program_options;

namespace isoster::cli {

po::options_description fit_parameters() {
  po::options_description d("Fit parameters (also valid as keys of an INI --config file)");
  // clang-format off
  d.add_options()
      ("x0", po::value<double>(),
       "start centre x, 0-based pixels (default: image centre, then the object locator)")
      ("y0", po::value<double>(),
       "start centre y, 0-based pixels")
      ("sma0", po::value<double>()->default_value(10.0, "10"),
       "semi-major axis of the first isophote (px)")
      ("eps", po::value<double>()->default_value(0.2, "0.2"),
       "start ellipticity, in [0, 1)")
      ("pa", po::value<double>(),
       "start position angle, degrees counter-clockwise from +x (default 110 iraf, 90 photutils)")
      ("minsma", po::value<double>()->default_value(0.0, "0"),
       "smallest SMA; < 0.5 adds the central row")
      ("maxsma", po::value<double>(),
       "largest SMA (default: until the gradient or fflag stops growth)")
      ("step", po::value<double>()->default_value(0.1, "0.1"),
       "SMA growth: a*(1+step), or a+step with --linear-step")
      ("linear-step", flag(),
       "grow the SMA linearly")
      ("integrator", po::value<std::string>()->default_value("bilinear"),
       "bilinear|nearest|mean|median")
      ("sclip", po::value<double>(),
       "sigma-clipping threshold, both sides (default 3)")
      ("usclip", po::value<double>(),
       "upper clipping threshold")
      ("lsclip", po::value<double>(),
       "lower clipping threshold")
      ("nclip", po::value<int>()->default_value(0),
       "clipping passes (0: none)")
      ("fflag", po::value<double>(),
       "largest flagged fraction of samples (default 0.5 iraf, 0.3 photutils)")
      ("maxgerr", po::value<double>()->default_value(0.5, "0.5"),
       "largest relative gradient error")
      ("conver", po::value<double>()->default_value(0.05, "0.05"),
       "convergence factor")
      ("minit", po::value<int>()->default_value(10),
       "minimum passes per isophote")
      ("maxit", po::value<int>()->default_value(50),
       "maximum passes per isophote")
      ("maxrit", po::value<double>(),
       "SMA beyond which isophotes are not iterated")
      ("wander", po::value<double>(),
       "largest centre move per pass (iraf)")
      ("soft", flag(),
       "two consecutive gradient failures needed to stop growth (iraf)")
      ("fix-center", flag(),
       "hold the centre")
      ("fix-pa", flag(),
       "hold the position angle")
      ("fix-eps", flag(),
       "hold the ellipticity")
      ("olthresh", po::value<double>()->default_value(1.0, "1"),
       "object locator threshold (<= 0: locator off)")
      ("no-recenter", flag(),
       "run the locator but keep the given centre")
      ("keep-center", flag(),
       "keep the given centre when the locator finds no object")
      ("grad-ref0", po::value<double>()->default_value(-0.05, "-0.05"),
       "initial gradient reference (image units/px)")
      ("sampling", po::value<std::string>()->default_value("polar"),
       "polar (IRAF's walk) | eccentric (uniform in eccentric anomaly, harmonics in it)")
      ("simultaneous-harmonics", flag(),
       "fit the 3rd and 4th harmonics together with the first two (ISOFIT)")
      ("no-fluxes", flag(),
       "skip TFLUX/NPIX (faster)")
      ("compat", po::value<std::string>()->default_value("iraf"),
       "iraf|photutils behaviour");
  // clang-format on
  return d;
}

void apply_fit_parameters(const po::variables_map& vm, FitConfig& c) {
  take(vm, "x0", c.x0);
  take(vm, "y0", c.y0);
  take(vm, "sma0", c.sma0);
  take(vm, "eps", c.eps0);
  take(vm, "pa", c.pa0);
  take(vm, "minsma", c.minsma);
  take(vm, "maxsma", c.maxsma);
  take(vm, "step", c.step);
  take(vm, "linear-step", c.linear_step);
  if (vm.count("sclip")) c.usclip = c.lsclip = vm["sclip"].as<double>();
  take(vm, "usclip", c.usclip);
  take(vm, "lsclip", c.lsclip);
  take(vm, "nclip", c.nclip);
  take(vm, "fflag", c.fflag);
  take(vm, "maxgerr", c.maxgerr);
  take(vm, "conver", c.conver);
  take(vm, "minit", c.minit);
  take(vm, "maxit", c.maxit);
  take(vm, "maxrit", c.maxrit);
  take(vm, "wander", c.wander);
  take(vm, "soft", c.soft);
  take(vm, "fix-center", c.fix_center);
  take(vm, "fix-pa", c.fix_pa);
  take(vm, "fix-eps", c.fix_eps);
  take(vm, "olthresh", c.olthresh);
  bool no_recenter = false, keep = false, no_flux = false;
  take(vm, "no-recenter", no_recenter);
  take(vm, "keep-center", keep);
  take(vm, "no-fluxes", no_flux);
  c.recenter = !no_recenter;
  c.keep_center_if_not_found = keep;
  c.fluxes = !no_flux;
  take(vm, "grad-ref0", c.grad_ref0);
  take(vm, "simultaneous-harmonics", c.simultaneous_harmonics);
  if (vm.count("sampling")) {
    const std::string m = vm["sampling"].as<std::string>();
    if (m != "polar" && m != "eccentric")
      throw std::invalid_argument("--sampling must be polar or eccentric");
    c.sampling_eccentric = m == "eccentric";
  }
}

}  // namespace isoster::cli
