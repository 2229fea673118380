// Isophote tables: FITS BINTABLE (HDU "ISOPHOTES"), ECSV or CSV. Files appear only complete: each
// is written under a temporary name in the target folder and renamed.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "io/header_item.hpp"
#include "isoster/isophote.hpp"

namespace isoster::io {

enum class TableFormat { Fits, Ecsv, Csv };
bool parse_format(const std::string& s, TableFormat& out);

// A float column after the fixed ones (e.g. A5, A5_ERR, ... of --harmonics): one value per row.
struct ExtraColumn {
  std::string name, unit;
  std::vector<double> values;
};

struct TableMeta {
  std::string bunit;  // unit of the intensity columns (input BUNIT), may be empty
  std::vector<HeaderItem> items;
  std::vector<ExtraColumn> extra;  // appended in order; each as long as the table
};

// Column description shared by every format and store (name, unit kind, the field it holds):
// the one list of isophote columns, for writing and reading back.
struct ColumnDef {
  const char* name;
  const char* unit;  // "pix", "deg", "pix2", "" (dimensionless), "@" (image unit), "@/pix"
  bool integer;
  double Isophote::*real;         // the field of a float column (integer: nullptr)
  std::int32_t Isophote::*count;  // the field of an integer column (float: nullptr)
};
const std::vector<ColumnDef>& table_columns();
double column_value(const Isophote& r, int col);  // integer columns returned exactly as double
void set_column_value(Isophote& r, int col, double v);

// One table of a multi-HDU FITS file: its HDU name and contents (pointers valid during the call).
struct BandTable {
  std::string extname;
  const std::vector<Isophote>* rows;
  const TableMeta* meta;
};

// Several isophote tables in one FITS file, one BINTABLE HDU each, in order (multiband fits).
void write_tables(const std::string& path, const std::vector<BandTable>& tables);

// Throws IoError (one line) when the file cannot be written; nothing is left behind then.
void write_table(const std::string& path, const std::vector<Isophote>& rows, const TableMeta& meta,
                 TableFormat fmt);

}  // namespace isoster::io
