// Catalog parsing: what is refused before any work, and what becomes a per-row status.
#include "pipeline/catalog.hpp"

#include <fitsio.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

using isoster::pipeline::CatalogError;
using isoster::pipeline::read_catalog;

namespace {

std::string write(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

void expect_refused(const std::string& text, const std::string& needle) {
  const std::string p = write("cat_bad.csv", text);
  try {
    read_catalog(p);
    FAIL() << "accepted: " << text;
  } catch (const CatalogError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Catalog, ReadsColumnsAndResolvesPathsAgainstItsFolder) {
  const std::string p = write("cat_ok.csv",
                              "# comment\nid,image,x,y,eps,plane,mask\n"
                              "a1,img.fits,10,12.5,0.3,1,m.fits\n"
                              "\"b,2\",/abs/x.fits[1],,,,,\n");
  const auto c = read_catalog(p);
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.rows[0].id, "a1");
  EXPECT_EQ(c.rows[0].image, testing::TempDir() + "img.fits");
  EXPECT_EQ(c.rows[0].mask, testing::TempDir() + "m.fits");
  EXPECT_DOUBLE_EQ(c.rows[0].y, 12.5);
  EXPECT_DOUBLE_EQ(c.rows[0].eps, 0.3);
  EXPECT_EQ(c.rows[0].plane, 1);
  EXPECT_EQ(c.rows[1].id, "b,2");
  EXPECT_EQ(c.rows[1].image, "/abs/x.fits[1]");
  EXPECT_TRUE(std::isnan(c.rows[1].x));
  EXPECT_EQ(c.rows[1].plane, -1);
  EXPECT_EQ(c.id_width, 3);
  EXPECT_NE(c.checksum, 0u);
}

TEST(Catalog, MalformedCatalogsAreRefusedWithOneLine) {
  expect_refused("", "no header");
  expect_refused("a1,img.fits\n", "unknown column 'a1'");              // no header row
  expect_refused("id,x\na,1\n", "required columns 'id' and 'image'");  // missing image
  expect_refused("image,x\na.fits,1\n", "required columns");           // missing id
  expect_refused("id,image,x\na,b.fits,abc\n", "'abc' is not a number");
  expect_refused("id,image,plane\na,b.fits,1.5\n", "not an integer");
  expect_refused("id,image,colour\na,b.fits,red\n", "unknown column 'colour'");
  expect_refused("id,image\na,b.fits,extra\n", "expected 2 fields, found 3");
  expect_refused("id,image\n", "no rows");
  expect_refused("id,image\n,b.fits\n", "empty id");
}

TEST(Catalog, DuplicateIdsAndNegativePlanesArePerRowProblems) {
  const std::string p =
      write("cat_dup.csv", "id,image,plane\na,x.fits,0\nb,y.fits,-1\na,z.fits,\n");
  const auto c = read_catalog(p);
  ASSERT_EQ(c.rows.size(), 3u);
  EXPECT_TRUE(c.rows[0].problem.empty());
  EXPECT_NE(c.rows[1].problem.find("plane"), std::string::npos);
  EXPECT_NE(c.rows[2].problem.find("duplicate id"), std::string::npos);
}

TEST(Catalog, FitsTablesReadLikeCsv) {
  const std::string p = testing::TempDir() + "cat.fits";
  std::remove(p.c_str());
  fitsfile* f = nullptr;
  int status = 0;
  fits_create_file(&f, p.c_str(), &status);
  char* ttype[] = {const_cast<char*>("ID"), const_cast<char*>("IMAGE"), const_cast<char*>("X"),
                   const_cast<char*>("Y"), const_cast<char*>("PLANE")};
  char* tform[] = {const_cast<char*>("1J"), const_cast<char*>("20A"), const_cast<char*>("1D"),
                   const_cast<char*>("1D"), const_cast<char*>("1J")};
  fits_create_tbl(f, BINARY_TBL, 0, 5, ttype, tform, nullptr, "CATALOG", &status);
  int ids[] = {17, 18};
  char img0[] = "a.fits", img1[] = "sub/b.fits";
  char* imgs[] = {img0, img1};
  double xs[] = {10.5, 20}, ys[] = {11, 21};
  int planes[] = {0, 2};
  fits_write_col(f, TINT, 1, 1, 1, 2, ids, &status);
  fits_write_col(f, TSTRING, 2, 1, 1, 2, imgs, &status);
  fits_write_col(f, TDOUBLE, 3, 1, 1, 2, xs, &status);
  fits_write_col(f, TDOUBLE, 4, 1, 1, 2, ys, &status);
  fits_write_col(f, TINT, 5, 1, 1, 2, planes, &status);
  fits_close_file(f, &status);
  ASSERT_EQ(status, 0);
  const auto c = read_catalog(p);
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.rows[0].id, "17");
  EXPECT_EQ(c.rows[1].image, testing::TempDir() + "sub/b.fits");
  EXPECT_DOUBLE_EQ(c.rows[0].x, 10.5);
  EXPECT_DOUBLE_EQ(c.rows[1].y, 21);
  EXPECT_EQ(c.rows[1].plane, 2);
}
