// The galaxy of the isophote-shape tests (model harmonics, ISOFIT, eccentric sampling, harmonics
// of any order): an n = 1.5 Sersic profile, eps 0.3, PA 30 deg, centred at (100, 100) of a
// 201 x 201 image; each test adds its own shape term (b4, or bn of another order) and noise.
#pragma once

#include "isoster/sersic.hpp"

inline isoster::SersicSpec shape_galaxy() {
  isoster::SersicSpec s;
  s.nx = s.ny = 201;
  s.x0 = s.y0 = 100;
  s.n = 1.5;
  s.re = 20;
  s.eps = 0.3;
  s.pa_deg = 30;
  return s;
}
