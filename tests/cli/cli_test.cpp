// End-to-end tests of `isoster fit`: the binary is run as a user would run it, and every failure
// must give a precise exit status, exactly one line on stderr, and no file left behind (outputs
// are written under a temporary name and renamed, so a failed run must not leave even a temp file).
#include <fcntl.h>
#include <fitsio.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/table_writer.hpp"
#include "isoster/parameters.hpp"
#include "support/synthetic.hpp"

extern char** environ;

namespace fs = std::filesystem;
namespace ist = isoster::testing;

namespace {

struct RunResult {
  int status = -1;  // WEXITSTATUS, -1 when the process did not exit normally
  bool signaled = false;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

bool contains(const std::string& s, const std::string& what) {
  return s.find(what) != std::string::npos;
}

// posix_spawn rather than std::system: no shell quoting, and a crash shows up as WIFSIGNALED of
// the binary itself instead of being folded into a shell exit status of 128 + signal.
RunResult run_binary(const fs::path& logs, const std::vector<std::string>& args) {
  RunResult r;
  const std::string out = (logs / "stdout.txt").string(), err = (logs / "stderr.txt").string();
  std::vector<std::string> argv_s = {ISOSTER_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv_s[0].c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv_s[0] << ": " << std::strerror(rc);
    return r;
  }
  int ws = 0;
  while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
  }
  r.signaled = WIFSIGNALED(ws);
  r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string describe(const std::vector<std::string>& args, const RunResult& r) {
  std::ostringstream s;
  s << "isoster";
  for (const auto& a : args) s << ' ' << a;
  s << "\n  exit " << r.status << (r.signaled ? " (killed by a signal)" : "") << "\n  stdout: ["
    << r.out << "]\n  stderr: [" << r.err << "]";
  return s.str();
}

ist::SersicSpec small_galaxy() {
  ist::SersicSpec s;
  s.nx = s.ny = 128;
  s.x0 = s.y0 = 64;
  s.n = 2;
  s.re = 10;
  s.ie = 100;
  s.eps = 0.3;
  s.pa_deg = 40;
  return s;
}

// Bitwise, so that NaN == NaN and -0 != +0: "the same table" means the same bytes.
void expect_same_tables(const std::string& a, const std::string& b) {
  for (const auto& c : isoster::io::table_columns()) {
    const auto va = ist::read_table_column(a, 1, c.name);
    const auto vb = ist::read_table_column(b, 1, c.name);
    ASSERT_EQ(va.size(), vb.size()) << "column " << c.name;
    if (!va.empty()) {
      EXPECT_EQ(0, std::memcmp(va.data(), vb.data(), va.size() * sizeof(double)))
          << "column " << c.name << " differs between " << a << " and " << b;
    }
  }
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "isoster_cli_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr) << std::strerror(errno);
    root_ = tmpl;
    // Logs live outside work/ so that work/ holds only inputs and whatever the binary creates.
    work_ = root_ / "work";
    fs::create_directory(work_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  std::string path(const std::string& name) const { return (work_ / name).string(); }

  RunResult run(const std::vector<std::string>& args) { return run_binary(root_, args); }

  std::set<std::string> snapshot() const {
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(work_))
      names.insert(fs::relative(e.path(), work_).string());
    return names;
  }

  // Temp files of the writer are named <output>.tmp-<pid>-<n>; none may survive a run.
  void expect_no_temp_files() const {
    for (const auto& name : snapshot()) EXPECT_FALSE(contains(name, ".tmp-")) << name;
  }

  std::string write_galaxy(const std::string& name, const ist::SersicSpec& s = small_galaxy()) {
    const std::string p = path(name);
    ist::write_fits_image(p, ist::make_sersic(s));
    return p;
  }

  // The failure contract: expected status, no crash, nothing on stdout, one stderr line that
  // carries the command's prefix and names the problem, and no new file in the work folder.
  void expect_failure(const std::vector<std::string>& args, int code,
                      const std::vector<std::string>& keywords) {
    const auto before = snapshot();
    const RunResult r = run(args);
    SCOPED_TRACE(describe(args, r));
    EXPECT_FALSE(r.signaled);
    EXPECT_EQ(r.status, code);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(snapshot(), before) << "the failed run left files behind";
    const auto lines = lines_of(r.err);
    ASSERT_EQ(lines.size(), 1u) << "stderr must be exactly one line";
    EXPECT_EQ(r.err.back(), '\n');
    const std::string& l = lines[0];
    EXPECT_TRUE(l.rfind("isoster fit: ", 0) == 0 || l.rfind("isoster forced: ", 0) == 0 ||
                l.rfind("isoster model: ", 0) == 0 || l.rfind("isoster: ", 0) == 0)
        << l;
    for (const auto& k : keywords) EXPECT_TRUE(contains(l, k)) << "no '" << k << "' in: " << l;
  }

  fs::path root_, work_;
};

TEST_F(CliTest, MissingInputExits1) {
  expect_failure({"fit", path("missing.fits"), "-o", path("out.fits")}, 1,
                 {"missing.fits", "cannot open"});
}

// A remote URL fails like a missing file, whether CFITSIO has its https driver (dynamic build: a
// refused loopback connection) or not (ISOSTER_STATIC_TOOL: stubs).
TEST_F(CliTest, RemoteUrlExits1) {
  expect_failure({"fit", "https://127.0.0.1:1/galaxy.fits", "-o", path("out.fits")}, 1,
                 {"https://127.0.0.1:1/galaxy.fits"});
}

TEST_F(CliTest, TextFileIsNotFitsExits1) {
  std::ofstream(path("notes.fits")) << "this is not a FITS file\njust some text\n";
  expect_failure({"fit", path("notes.fits"), "-o", path("out.fits")}, 1, {"notes.fits", "FITS"});
}

TEST_F(CliTest, MissingHduExits1) {
  const std::string in = write_galaxy("one_hdu.fits");
  expect_failure({"fit", in, "--hdu", "5", "-o", path("out.fits")}, 1, {"one_hdu.fits", "HDU 5"});
}

TEST_F(CliTest, OneDimensionalImageExits1) {
  ist::write_fits_dims(path("line.fits"), {100});
  expect_failure({"fit", path("line.fits"), "-o", path("out.fits")}, 1, {"line.fits", "1-D"});
}

TEST_F(CliTest, EmptyImageExits1) {
  // NAXIS = 0 primary and no extension: there is no image anywhere in the file.
  ist::write_fits_dims(path("empty.fits"), {});
  expect_failure({"fit", path("empty.fits"), "-o", path("out.fits")}, 1,
                 {"empty.fits", "no image"});
}

TEST_F(CliTest, AllNanImageExits1) {
  std::vector<float> nan(64 * 64, std::numeric_limits<float>::quiet_NaN());
  ist::write_fits_image(path("nan.fits"), nan, 64, 64);
  expect_failure({"fit", path("nan.fits"), "-o", path("out.fits")}, 1,
                 {"nan.fits", "no valid pixel"});
}

TEST_F(CliTest, TinyImageExits1) {
  ist::write_fits_image(path("tiny.fits"), std::vector<float>(4, 1.0f), 2, 2);
  expect_failure({"fit", path("tiny.fits"), "-o", path("out.fits")}, 1, {"tiny.fits", "too small"});
}

TEST_F(CliTest, CentreOutsideImageExits1) {
  const std::string in = write_galaxy("gal.fits");
  expect_failure({"fit", in, "--x0", "1000", "--y0", "1000", "-o", path("out.fits")}, 1,
                 {"gal.fits", "outside"});
}

TEST_F(CliTest, EpsOneIsUsageError) {
  const std::string in = write_galaxy("gal.fits");
  expect_failure({"fit", in, "--eps", "1.0", "-o", path("out.fits")}, 2, {"eps"});
}

TEST_F(CliTest, NonPositiveSma0IsUsageError) {
  const std::string in = write_galaxy("gal.fits");
  expect_failure({"fit", in, "--sma0", "0", "-o", path("out.fits")}, 2, {"sma0"});
  expect_failure({"fit", in, "--sma0", "-3", "-o", path("out.fits")}, 2, {"sma0"});
  expect_failure({"fit", in, "--sma0=-3", "-o", path("out.fits")}, 2, {"sma0", "-3"});
}

TEST_F(CliTest, MaxsmaBelowMinsmaIsUsageError) {
  const std::string in = write_galaxy("gal.fits");
  expect_failure({"fit", in, "--minsma", "20", "--maxsma", "10", "-o", path("out.fits")}, 2,
                 {"maxsma", "minsma"});
}

TEST_F(CliTest, MaskOfAnotherShapeExits1) {
  const std::string in = write_galaxy("gal.fits");
  ist::write_fits_image(path("mask.fits"), std::vector<float>(100 * 100, 0.0f), 100, 100);
  expect_failure({"fit", in, "--mask", path("mask.fits"), "-o", path("out.fits")}, 1,
                 {"mask", "100x100", "128x128"});
}

TEST_F(CliTest, VarianceOfAnotherShapeExits1) {
  const std::string in = write_galaxy("gal.fits");
  ist::write_fits_image(path("var.fits"), std::vector<float>(100 * 100, 1.0f), 100, 100);
  expect_failure({"fit", in, "--variance", path("var.fits"), "-o", path("out.fits")}, 1,
                 {"variance", "100x100", "128x128"});
}

TEST_F(CliTest, NegativeVarianceLeavesNoValidPixelExits1) {
  const std::string in = write_galaxy("gal.fits");
  ist::write_fits_image(path("var.fits"), std::vector<float>(128 * 128, -1.0f), 128, 128);
  expect_failure({"fit", in, "--variance", path("var.fits"), "-o", path("out.fits")}, 1,
                 {"no valid pixel"});
}

TEST_F(CliTest, ForcedBadInputs) {
  const std::string in = write_galaxy("gal.fits");
  expect_failure({"forced", in, "--template", path("none.fits"), "-o", path("out.fits")}, 1,
                 {"none.fits", "template"});
  // A template fitted on an image of another size.
  ist::SersicSpec big = small_galaxy();
  big.nx = big.ny = 160;
  big.x0 = big.y0 = 80;
  const std::string other = write_galaxy("big.fits", big);
  const std::string t = path("t.fits");
  ASSERT_EQ(run({"fit", other, "-o", t, "-q"}).status, 0);
  expect_failure({"forced", in, "--template", t, "-o", path("out.fits")}, 1,
                 {"160x160", "128x128"});
  expect_failure(
      {"forced", in, "--geometry", "64,64,0.2,30", "--sma-list", "", "-o", path("out.fits")}, 2,
      {"SMA"});
  ist::write_fits_image(path("var.fits"), std::vector<float>(100 * 100, 1.0f), 100, 100);
  expect_failure({"forced", in, "--geometry", "64,64,0.2,30", "--sma-list", "5,10", "--variance",
                  path("var.fits"), "-o", path("out.fits")},
                 1, {"variance", "100x100"});
  // And a good run: one row per SMA, NITER 0.
  const RunResult ok = run(
      {"forced", in, "--geometry", "64,64,0.2,30", "--sma-range", "2,20,2", "-o", path("f.fits")});
  ASSERT_EQ(ok.status, 0) << ok.err;
  const auto niter = ist::read_table_column(path("f.fits"), 1, "NITER");
  ASSERT_EQ(niter.size(), 10u);
  for (double v : niter) EXPECT_EQ(v, 0);
}

TEST_F(CliTest, ModelAndItsBadInputs) {
  const std::string in = write_galaxy("gal.fits");
  const std::string t = path("t.fits");
  ASSERT_EQ(run({"fit", in, "-o", t, "-q"}).status, 0);
  expect_failure({"model", path("none.fits"), "--like", in, "-o", path("m.fits")}, 1,
                 {"none.fits"});
  ist::SersicSpec big = small_galaxy();
  big.nx = big.ny = 160;
  big.x0 = big.y0 = 80;
  const std::string other = write_galaxy("big.fits", big);
  expect_failure({"model", t, "--like", other, "-o", path("m.fits")}, 1, {"128x128", "160x160"});
  expect_failure({"model", t, "-o", path("m.fits")}, 2, {"--like"});
  expect_failure({"model", t, "--like", in, "-o", path("m.fits"), "--threads", "-1"}, 2,
                 {"--threads"});
  const RunResult ok =
      run({"model", t, "--like", in, "-o", path("m.fits"), "--residual", path("r.fits")});
  ASSERT_EQ(ok.status, 0) << ok.err;
  EXPECT_TRUE(fs::exists(path("m.fits")) && fs::exists(path("r.fits")));
}

// Multiband cubes: every band on the reference plane's geometry and SMA grid; the reference band
// equals a plain fit of that plane.
TEST_F(CliTest, MultibandSharesTheReferenceGeometry) {
  auto same = [](const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t k = 0; k < a.size(); ++k)
      if (!(a[k] == b[k] || (std::isnan(a[k]) && std::isnan(b[k])))) return false;
    return true;
  };
  for (const std::string cube : {"ngc3610.fits", "eso243-49.fits"}) {
    SCOPED_TRACE(cube);
    const std::string in = std::string(ISOSTER_EXAMPLES) + "/" + cube;
    const std::string mb = path("mb_" + cube), ref = path("ref_" + cube);
    const RunResult r = run({"fit", in, "--reference-plane", "1", "--all-planes", "-o", mb, "-q"});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_EQ(run({"fit", in, "--plane", "1", "-o", ref, "-q"}).status, 0);
    for (const char* col : {"SMA", "INTENS", "X0", "ELLIP", "PA", "NITER", "STOP"})
      EXPECT_TRUE(same(ist::read_table_column(mb, 2, col), ist::read_table_column(ref, 1, col)))
          << col;
    const auto sma = ist::read_table_column(ref, 1, "SMA");
    for (int hdu : {1, 3}) {
      EXPECT_EQ(ist::read_table_column(mb, hdu, "SMA"), sma);
      const auto x = ist::read_table_column(mb, hdu, "X0"),
                 xr = ist::read_table_column(ref, 1, "X0");
      EXPECT_EQ(x, xr);
      const auto e = ist::read_table_column(mb, hdu, "ELLIP"),
                 er = ist::read_table_column(ref, 1, "ELLIP");
      for (std::size_t k = 1; k < e.size(); ++k) EXPECT_EQ(e[k], er[k]);
      for (double n : ist::read_table_column(mb, hdu, "NITER")) EXPECT_EQ(n, 0);
    }
  }
  expect_failure({"fit", std::string(ISOSTER_EXAMPLES) + "/ngc3610.fits", "--all-planes",
                  "--format", "csv", "-o", path("x.csv")},
                 2, {"--all-planes"});
}

TEST_F(CliTest, TruncatedFitsExits1) {
  const std::string in = path("cut.fits");
  fs::copy_file(fs::path(ISOSTER_TEST_DATA) / "synth_highsnr.fits", in);
  fs::resize_file(in, fs::file_size(in) / 2);
  expect_failure({"fit", in, "-o", path("out.fits")}, 1, {"cut.fits"});
  // The line must tell a damaged file from any other failure.
  const std::string err = slurp(root_ / "stderr.txt");
  EXPECT_TRUE(contains(err, "truncated") || contains(err, "corrupt")) << err;
}

TEST_F(CliTest, UnwritableOutputExits1) {
  const std::string in = write_galaxy("gal.fits");
  // Root ignores permission bits, so a path under a regular file is the reliable unwritable case.
  std::ofstream(path("file.txt")) << "x\n";
  expect_failure({"fit", in, "-o", path("file.txt") + "/out.fits"}, 1,
                 {"out.fits", "cannot create"});
  ASSERT_FALSE(fs::exists("/nonexistent_dir"));
  expect_failure({"fit", in, "-o", "/nonexistent_dir/x.fits"}, 1, {"x.fits", "cannot create"});
  EXPECT_FALSE(fs::exists("/nonexistent_dir"));
}

TEST_F(CliTest, FitsSmallSersic) {
  const std::string in = write_galaxy("gal.fits"), out = path("gal.isophotes.fits");
  const std::vector<std::string> args = {"fit", in, "-o", out};
  const RunResult r = run(args);
  SCOPED_TRACE(describe(args, r));
  ASSERT_FALSE(r.signaled);
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(contains(lines[0], "gal.fits")) << lines[0];
  ASSERT_TRUE(fs::exists(out));
  // The table is found by name, as downstream tools look it up.
  fitsfile* f = nullptr;
  int status = 0, hdunum = 0;
  fits_open_file(&f, (out + "[ISOPHOTES]").c_str(), READONLY, &status);
  ASSERT_EQ(status, 0) << "no ISOPHOTES extension";
  fits_get_hdu_num(f, &hdunum);
  fits_close_file(f, &status);
  EXPECT_EQ(hdunum, 2);
  const auto sma = ist::read_table_column(out, 1, "SMA");
  ASSERT_FALSE(sma.empty());
  for (std::size_t i = 1; i < sma.size(); ++i) EXPECT_LT(sma[i - 1], sma[i]) << "row " << i;
  expect_no_temp_files();
}

TEST_F(CliTest, OneBadImageAmongManyExits1AndKeepsTheGoodOnes) {
  const std::string g1 = write_galaxy("good1.fits"), g2 = write_galaxy("good2.fits");
  const std::string dir = path("D");
  const std::string bad = path("missing.fits");
  const std::vector<std::string> args = {"fit", g1, bad, g2, "--output-dir", dir, "--threads", "2"};
  const RunResult r = run(args);
  SCOPED_TRACE(describe(args, r));
  EXPECT_FALSE(r.signaled);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(fs::exists(dir + "/good1.isophotes.fits"));
  EXPECT_TRUE(fs::exists(dir + "/good2.isophotes.fits"));
  EXPECT_FALSE(fs::exists(dir + "/missing.isophotes.fits"));
  // One error line for the bad image; with several inputs a count line follows by design.
  int error_lines = 0;
  for (const auto& l : lines_of(r.err)) {
    EXPECT_TRUE(l.rfind("isoster fit: ", 0) == 0) << l;
    if (contains(l, "error")) {
      ++error_lines;
      EXPECT_TRUE(contains(l, "missing.fits")) << l;
    }
  }
  EXPECT_EQ(error_lines, 1);
  EXPECT_EQ(lines_of(r.out).size(), 2u);
  expect_no_temp_files();
}

TEST_F(CliTest, ThreadCountDoesNotChangeResults) {
  std::vector<std::string> inputs;
  for (int k = 0; k < 4; ++k) {
    ist::SersicSpec s = small_galaxy();
    s.n = 1 + 0.7 * k;
    s.eps = 0.1 + 0.15 * k;
    s.pa_deg = 20 + 35 * k;
    s.noise = 0.05;
    s.seed = 10 + k;
    inputs.push_back(write_galaxy("g" + std::to_string(k) + ".fits", s));
  }
  for (const char* threads : {"1", "2"}) {
    std::vector<std::string> args = {"fit"};
    args.insert(args.end(), inputs.begin(), inputs.end());
    args.insert(args.end(),
                {"--output-dir", path(std::string("T") + threads), "--threads", threads});
    const RunResult r = run(args);
    SCOPED_TRACE(describe(args, r));
    ASSERT_FALSE(r.signaled);
    ASSERT_EQ(r.status, 0);
    EXPECT_EQ(lines_of(r.out).size(), 4u);
  }
  for (int k = 0; k < 4; ++k) {
    const std::string name = "/g" + std::to_string(k) + ".isophotes.fits";
    SCOPED_TRACE(name);
    expect_same_tables(path("T1") + name, path("T2") + name);
  }
  expect_no_temp_files();
}

// Forced rows shared among threads give the same table as one thread; a negative count is a
// usage error.
TEST_F(CliTest, ForcedThreadCountDoesNotChangeResults) {
  const std::string in = write_galaxy("gal.fits");
  ASSERT_EQ(run({"fit", in, "-o", path("fit.fits"), "-q"}).status, 0);
  for (const char* threads : {"1", "2"}) {
    const RunResult r = run({"forced", in, "--template", path("fit.fits"), "-o",
                             path(std::string("f") + threads + ".fits"), "--threads", threads});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  expect_same_tables(path("f1.fits"), path("f2.fits"));
  expect_failure(
      {"forced", in, "--template", path("fit.fits"), "-o", path("f3.fits"), "--threads", "-1"}, 2,
      {"--threads"});
  EXPECT_FALSE(fs::exists(path("f3.fits")));
}

TEST_F(CliTest, TextFormatsUseTheirExtension) {
  const std::string in = write_galaxy("gal.fits");
  for (const std::string fmt : {"ecsv", "csv"}) {
    const std::string dir = path(fmt);
    const std::vector<std::string> args = {"fit", in, "--output-dir", dir, "--format", fmt};
    const RunResult r = run(args);
    SCOPED_TRACE(describe(args, r));
    ASSERT_FALSE(r.signaled);
    ASSERT_EQ(r.status, 0);
    const std::string out = dir + "/gal.isophotes." + fmt;
    ASSERT_TRUE(fs::exists(out));
    EXPECT_FALSE(fs::exists(dir + "/gal.isophotes.fits"));
    const auto lines = lines_of(slurp(out));
    ASSERT_FALSE(lines.empty());
    if (fmt == "ecsv") {
      EXPECT_EQ(lines[0].rfind("# %ECSV", 0), 0u) << lines[0];
    }
    // The column header is the first line that is not an ECSV comment.
    std::string header;
    for (const auto& l : lines)
      if (l.rfind("#", 0) != 0) {
        header = l;
        break;
      }
    EXPECT_TRUE(contains(header, "SMA") && contains(header, "INTENS")) << header;
    if (fmt == "csv") {
      EXPECT_EQ(header.rfind("SMA,INTENS", 0), 0u) << header;
    }
    EXPECT_GT(lines.size(), 2u);
  }
  expect_no_temp_files();
}

TEST_F(CliTest, HelpVersionAndUnknownOption) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"--version"}, {"fit", "--help"}}) {
    const RunResult r = run(args);
    SCOPED_TRACE(describe(args, r));
    EXPECT_FALSE(r.signaled);
    EXPECT_EQ(r.status, 0);
    EXPECT_FALSE(r.out.empty());
    EXPECT_EQ(r.err, "");
  }
  EXPECT_EQ(run({"--version"}).out.rfind("isoster ", 0), 0u);
  EXPECT_TRUE(contains(run({"fit", "--help"}).out, "--output-dir"));
  const std::string in = write_galaxy("gal.fits");
  expect_failure({"fit", in, "-o", path("out.fits"), "--bogus"}, 2, {"bogus"});
  expect_failure({"frobnicate"}, 2, {"frobnicate"});
}

// Every row of the parameter table is an option of the commands it names, and every command
// prints the same version line.
TEST_F(CliTest, EveryParameterIsAnOptionOfItsCommands) {
  const std::string fit_help = run({"fit", "--help"}).out;
  const std::string forced_help = run({"forced", "--help"}).out;
  for (const isoster::ParamDesc& p : isoster::fit_parameters()) {
    const std::string opt = std::string("--") + p.option + " ";
    EXPECT_EQ(contains(fit_help, opt), (p.scope & isoster::kFitParam) != 0) << p.option;
    EXPECT_EQ(contains(forced_help, opt), (p.scope & isoster::kForcedParam) != 0) << p.option;
  }
  const std::string version = run({"fit", "--version"}).out;
  EXPECT_EQ(version.rfind("isoster ", 0), 0u) << version;
  for (const char* cmd : {"forced", "model", "mock"})
    EXPECT_EQ(run({cmd, "--version"}).out, version);
  // The top-level line adds the build flags inside the same parentheses.
  EXPECT_EQ(run({"--version"}).out.rfind(version.substr(0, version.size() - 2), 0), 0u);
}

TEST_F(CliTest, ConfigFileEqualsCommandLine) {
  const std::string in = write_galaxy("gal.fits");
  std::ofstream(path("fit.ini")) << "# start geometry\nsma0 = 12\neps = 0.25\n";
  const std::vector<std::vector<std::string>> runs = {
      {"fit", in, "--config", path("fit.ini"), "-o", path("ini.fits")},
      {"fit", in, "--sma0", "12", "--eps", "0.25", "-o", path("cmd.fits")}};
  for (const auto& args : runs) {
    const RunResult r = run(args);
    SCOPED_TRACE(describe(args, r));
    ASSERT_FALSE(r.signaled);
    ASSERT_EQ(r.status, 0);
  }
  // Guards against a config file that is silently ignored: the defaults (10, 0.2) would differ.
  const auto sma = ist::read_table_column(path("ini.fits"), 1, "SMA");
  bool has12 = false;
  for (double a : sma) has12 = has12 || std::fabs(a - 12) < 1e-9;
  EXPECT_TRUE(has12) << "no isophote at sma0 = 12";
  expect_same_tables(path("ini.fits"), path("cmd.fits"));
  expect_failure({"fit", in, "--config", path("absent.ini"), "-o", path("x.fits")}, 2,
                 {"absent.ini"});
}

TEST_F(CliTest, PlaneOfCubeEqualsTheSamePlaneAsImage) {
  const int nx = 128, ny = 128;
  std::vector<float> cube;
  std::vector<float> plane1;
  for (int k = 0; k < 3; ++k) {
    ist::SersicSpec s = small_galaxy();
    s.ie = 50 + 40 * k;
    s.eps = 0.2 + 0.1 * k;
    const isoster::Image img = ist::make_sersic(s);
    cube.insert(cube.end(), img.data(), img.data() + nx * ny);
    if (k == 1) plane1.assign(img.data(), img.data() + nx * ny);
  }
  ist::write_fits_image(path("cube.fits"), cube, nx, ny, 3);
  ist::write_fits_image(path("plane1.fits"), plane1, nx, ny);
  const std::vector<std::vector<std::string>> runs = {
      {"fit", path("cube.fits"), "--plane", "1", "-o", path("cube_p1.fits")},
      {"fit", path("plane1.fits"), "-o", path("flat_p1.fits")}};
  for (const auto& args : runs) {
    const RunResult r = run(args);
    SCOPED_TRACE(describe(args, r));
    ASSERT_FALSE(r.signaled);
    ASSERT_EQ(r.status, 0);
  }
  const auto a = ist::read_table_column(path("cube_p1.fits"), 1, "INTENS");
  const auto b = ist::read_table_column(path("flat_p1.fits"), 1, "INTENS");
  ASSERT_FALSE(a.empty());
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(double)));
  expect_same_tables(path("cube_p1.fits"), path("flat_p1.fits"));
  expect_failure({"fit", path("cube.fits"), "--plane", "3", "-o", path("p3.fits")}, 1,
                 {"cube.fits", "plane 3"});
}

}  // namespace

// --harmonics: extra columns A5..B6_ERR after the fixed ones, in FITS and CSV alike, the fixed
// columns unchanged; the same for forced photometry; bad order lists are usage errors.
TEST_F(CliTest, HarmonicsOfAnyOrderAddColumns) {
  const std::string in = write_galaxy("gal.fits");
  ASSERT_EQ(run({"fit", in, "-o", path("plain.fits"), "-q"}).status, 0);
  const RunResult r = run({"fit", in, "-o", path("h.fits"), "-q", "--harmonics", "3,4,5,6"});
  ASSERT_EQ(r.status, 0) << r.err;
  expect_same_tables(path("plain.fits"), path("h.fits"));
  const auto sma = ist::read_table_column(path("h.fits"), 1, "SMA");
  for (const char* c : {"A5", "A5_ERR", "B5", "B5_ERR", "A6", "A6_ERR", "B6", "B6_ERR"}) {
    const auto v = ist::read_table_column(path("h.fits"), 1, c);
    ASSERT_EQ(v.size(), sma.size()) << c;
    int finite = 0;
    for (double x : v) finite += std::isfinite(x);
    EXPECT_GE(finite, static_cast<int>(sma.size()) / 2) << c;
    EXPECT_TRUE(std::isnan(v[0])) << c << ": the central row has no harmonics";
  }
  ASSERT_EQ(
      run({"fit", in, "-o", path("h.csv"), "--format", "csv", "-q", "--harmonics", "6,5"}).status,
      0);
  const auto lines = lines_of(slurp(path("h.csv")));
  ASSERT_GT(lines.size(), 2u);
  EXPECT_TRUE(contains(lines[0], ",SAREA,A5,A5_ERR,B5,B5_ERR,A6,A6_ERR,B6,B6_ERR")) << lines[0];
  const RunResult f = run(
      {"forced", in, "--template", path("plain.fits"), "-o", path("f.fits"), "--harmonics", "8"});
  ASSERT_EQ(f.status, 0) << f.err;
  EXPECT_EQ(ist::read_table_column(path("f.fits"), 1, "B8").size(), sma.size());
  for (const std::string bad : {"2", "5,x", "", "5,", "3,4,5,6,7,8,9,10,11", "65"})
    expect_failure({"fit", in, "-o", path("x.fits"), "--harmonics", bad}, 2, {"--harmonics"});
  expect_failure(
      {"forced", in, "--template", path("plain.fits"), "-o", path("x.fits"), "--harmonics", "1"}, 2,
      {"--harmonics"});
  expect_failure({"forced", in, "--template", path("plain.fits"), "-o", path("x.fits"),
                  "--harmonics", "5", "--no-gradient"},
                 2, {"--harmonics", "--no-gradient"});
}

// forced --no-gradient: the intensities of the full measurement, GRAD and A3..B4 NaN, and the
// header says which.
TEST_F(CliTest, ForcedWithoutGradient) {
  const std::string in = write_galaxy("gal.fits");
  ASSERT_EQ(run({"fit", in, "-o", path("fit.fits"), "-q"}).status, 0);
  ASSERT_EQ(run({"forced", in, "--template", path("fit.fits"), "-o", path("full.fits")}).status, 0);
  const RunResult r =
      run({"forced", in, "--template", path("fit.fits"), "-o", path("lean.fits"), "--no-gradient"});
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* c : {"INTENS", "INT_ERR", "NDATA", "TFLUX_E"}) {
    const auto a = ist::read_table_column(path("full.fits"), 1, c);
    const auto b = ist::read_table_column(path("lean.fits"), 1, c);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(double))) << c;
  }
  for (const char* c : {"GRAD", "A4", "B4_ERR"})
    for (double x : ist::read_table_column(path("lean.fits"), 1, c))
      EXPECT_TRUE(std::isnan(x)) << c;
  auto keyword = [&](const std::string& file) {  // the value of the GRADIENT header card
    const std::string text = slurp(path(file));
    const std::size_t at = text.find("GRADIENT=");
    return at == std::string::npos ? NAN : std::strtod(text.c_str() + at + 9, nullptr);
  };
  EXPECT_EQ(keyword("lean.fits"), 0.0);
  EXPECT_EQ(keyword("full.fits"), 1.0);
}
