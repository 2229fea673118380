// The enumerations that select behaviour, shared by the configuration and the per-sample kernels
// (which a device build compiles too: nothing here but the enumerations).
#pragma once

namespace isoster {

// Behaviour family (spec 0.1): IRAF `ellipse` or photutils.isophote.
enum class Compat { Iraf, Photutils };
// How one sample's intensity is measured (spec 2).
enum class Integrator { Bilinear, Nearest, Mean, Median };
// The variable the points and the harmonics are uniform in: IRAF's polar walk or the eccentric
// anomaly (spec 1.4).
enum class Sampling { Polar, Eccentric };

}  // namespace isoster
