"""The command line, reading a table (sktanhnet/_cli/table.py)."""

import csv
import re

import pytest

from sktanhnet.__main__ import main


def _csv(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return str(path)


QUICK = ["--quiet", "--solver", "lbfgs", "--max-iter", "100", "--hidden", "10"]


@pytest.mark.parametrize(
    "content, target, message",
    [
        (None, "label", "cannot read"),
        ("a,b,label\n1,2,x\n3,4,y\n", "missing", "column 'missing' not found"),
        ("a,b,label\n1,oops,x\n3,4,y\n5,6,x\n", "label", "'oops' in column 'b', a column of"),
        ("a,label\n1,x\n2,x\n", "label", "at least two classes"),
        ("a,b,label\n", "label", "header row and at least one data row"),
    ],
)
def test_bad_input_gives_one_line_and_exit_status_2(tmp_path, capsys, content, target, message):
    path = str(tmp_path / "absent.csv") if content is None else _csv(tmp_path, content)
    assert main(["--data", path, "--target", target]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_repeated_column_names_are_refused(tmp_path, capsys):
    path = _csv(tmp_path, "a,b,a,label\n1,2,3,x\n4,5,6,y\n")
    assert main(["--data", path, "--target", "label"]) == 2
    assert capsys.readouterr().err == f"error: {path}: column names must differ; repeated: 'a'\n"


def test_an_unnamed_leading_column_of_pandas_is_left_out_and_said(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True).frame.sort_values("target")  # the index leaks the label
    path = tmp_path / "frame.csv"
    iris.to_csv(path)
    assert main(["--data", str(path), "--target", "target", *QUICK]) == 0
    captured = capsys.readouterr()
    assert "leaving out the unnamed first column" in captured.err
    assert "4 features" in captured.out
    assert pd.read_csv(path).columns[0].startswith("Unnamed")


def test_a_blank_data_file_after_its_header_is_one_line(tmp_path, capsys):
    assert main(["--data", _csv(tmp_path, "a,b,label\n\n\n"), "--target", "label"]) == 2
    assert "at least one data row" in capsys.readouterr().err


def test_a_feature_too_large_to_standardize_is_named(tmp_path, capsys):
    rows = "\n".join(f"{(i % 7) * 1e300},{i % 5},{i % 2}" for i in range(40))
    assert main(["--data", _csv(tmp_path, "a,b,label\n" + rows + "\n"), "--target", "label"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'a' holds values too large to standardize" in err[0]


# ---------------------------------------------------------------- tables as people export them


def _penguins(n=120, separator=",", decimal=".", missing=""):
    """A penguin-like table: text columns (species, island, sex), numbers, missing values."""
    import numpy as np

    rng = np.random.RandomState(0)
    lines = [separator.join(["species", "island", "bill_mm", "mass_g", "sex"])]
    for i in range(n):
        species = ["Adelie", "Gentoo", "Chinstrap"][i % 3]
        island = "Biscoe" if species == "Gentoo" else ["Dream", "Torgersen"][i % 2]
        bill = f"{[38.8, 47.5, 48.8][i % 3] + rng.normal():.1f}".replace(".", decimal)
        mass = str(int([3700, 5076, 3733][i % 3] + rng.normal(0, 300)))
        sex = ["male", "female"][rng.randint(2)]
        cells = [species, island, bill, mass, sex]
        if i % 10 == 4:
            cells[2 + i % 3] = missing
        lines.append(separator.join(cells))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "separator, decimal, missing, said",
    [
        (",", ".", "", None),
        (";", ",", "NA", "separated by semicolons"),
        ("\t", ".", "?", "separated by tabs"),
        (",", ".", "N/A", None),
        (";", ".", "null", "separated by semicolons"),
    ],
)
def test_separators_missing_tokens_and_text_columns(
    tmp_path, capsys, separator, decimal, missing, said
):
    data = _csv(tmp_path, _penguins(separator=separator, decimal=decimal, missing=missing))
    assert main(["--data", data, "--target", "species", *QUICK]) == 0
    captured = capsys.readouterr()
    assert "4 features, 3 classes" in captured.out
    assert float(captured.out.split("held-out accuracy: ")[1].split()[0]) > 0.9
    notes = captured.err.splitlines()
    assert all(line.startswith(("note: ", "warning: ")) for line in notes)
    assert (said is not None) == any(said in line for line in notes if said)
    assert f"note: {data}: one-hot encoding 2 text columns (5 values): 'island' (3), 'sex' (2)" in (
        captured.err
    )
    filling = next(line for line in notes if "filling in" in line)
    assert "filling in 12 missing values" in filling and "bill_mm 4, mass_g 4, sex 4" in filling


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "needs a header row and at least one data row"),
        ("a,b,y\n", "needs a header row and at least one data row"),
        ("a,b,y\n1,2,x\n3,4\n", "line 3: 2 fields, the header has 3"),
        ("a,b,y\n1,2,x\n3,4,y,5\n", "line 3: 4 fields, the header has 3"),
        ("a,a,y\n1,2,x\n", "column names must differ; repeated: 'a'"),
        ("a,b,y\n1,inf,x\n2,3,z\n", "line 2: 'inf' in column 'b' is not a finite number"),
        ("a,b,y\n1,2,inf\n2,3,4.5\n", "--target 'y': 'inf' is not a finite number"),
        ("a,b,y\n,,x\n,,z\n", "has no feature column left to learn from"),
        ("y\n1\n2\n", "has no feature columns"),
        ("a,y\n1,x\n", "needs at least two classes, found 1: 'x'"),
        ("a,y\n1,x\n2,z\n3,x\n4,z\n", "(use a larger --test-size, or more rows)"),
        ("a,b,y\n1,-,x\n2,3,z\n4,5,x\n", "'-' in column 'b', a column of numbers but for 1 value"),
        (
            'a,b,y\n1,"3,1",x\n2,4,z\n',
            "line 2: '3,1' in column 'b' is a number with a decimal comma",
        ),
        ('a,y\n1,"0,5"\n2,"1,5"\n', "line 2: '0,5' in column 'y' is a number with a decimal comma"),
    ],
)
def test_odd_tables_are_one_line_and_exit_2(tmp_path, capsys, content, message):
    data = _csv(tmp_path, content)
    assert main(["--data", data, "--target", "y", "--quiet", "--max-iter", "5"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err


def test_a_file_that_is_not_utf8_is_one_line(tmp_path, capsys):
    path = tmp_path / "latin.csv"
    path.write_bytes("a,b,y\n1,2,été\n".encode("latin-1"))
    assert main(["--data", str(path), "--target", "y"]) == 2
    assert capsys.readouterr().err.startswith(f"error: {path}, line 2: not UTF-8 text")
    path.write_bytes("a,b,y\n1,2,\u00e9t\u00e9\n".encode("utf-16"))  # Excel's "Unicode text"
    assert main(["--data", str(path), "--target", "y"]) == 2
    assert capsys.readouterr().err == (
        f'error: {path} is UTF-16 text (Excel\'s "Unicode text"), not UTF-8: save it as '
        '"CSV UTF-8", or convert it (iconv -f UTF-16 -t UTF-8)\n'
    )


def test_a_cell_longer_than_the_csv_modules_default_limit_is_read(tmp_path, capsys):
    rows = "".join(f"{i},{'x' * 200_000 if i == 3 else 'short'},{'ab'[i % 2]}\n" for i in range(20))
    path = _csv(tmp_path, "a,notes,label\n" + rows)
    assert main(["--data", path, "--target", "label", *QUICK]) == 0


def test_of_two_separators_splitting_as_many_fields_the_one_reading_numbers_wins(tmp_path, capsys):
    # commas in the names and decimal commas: commas and semicolons both split 3 fields a line
    rows = "".join(f"{i % 7},{i % 3};1,{i % 5};{'ab'[i % 2]}\n" for i in range(30))
    path = _csv(tmp_path, "len, cm;wid, cm;label\n" + rows)
    assert main(["--data", path, "--target", "label", *QUICK]) == 0
    err = capsys.readouterr().err
    assert f"note: {path}: reading columns separated by semicolons" in err
    assert "reading decimal commas (3,5 is 3.5) in 'len, cm', 'wid, cm'" in err


def test_quoted_fields_and_a_byte_order_mark(tmp_path, capsys):
    rows = "\n".join(
        f'"{i % 7}","{i % 5}","{"yes, sure" if i % 7 > 3 else "no"}"' for i in range(40)
    )
    path = tmp_path / "quoted.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ('a,"b, c",y\n' + rows + "\n").encode())
    assert main(["--data", str(path), "--target", "y", *QUICK]) == 0
    captured = capsys.readouterr()
    assert "2 features, 2 classes" in captured.out and "one-hot" not in captured.err


def test_empty_and_identifier_columns_are_left_out_with_a_note(tmp_path, capsys):
    rows = "\n".join(f"id{i},{i % 7},,{i % 2}" for i in range(40))
    data = _csv(tmp_path, "name,a,empty,y\n" + rows + "\n")
    assert main(["--data", data, "--target", "y", *QUICK]) == 0
    captured = capsys.readouterr()
    assert f"note: {data}: leaving out columns without any value: 'empty'" in captured.err
    assert "different value in every row (identifiers?): 'name'" in captured.err
    assert "1 features, 2 classes" in captured.out


def test_decimal_commas_of_a_semicolon_file_are_numbers(tmp_path, capsys):
    rows = "\n".join(f"{i % 7},5;{i % 5};{i % 2}" for i in range(40))
    assert main(["--data", _csv(tmp_path, "a;b;y\n" + rows + "\n"), "--target", "y", *QUICK]) == 0
    captured = capsys.readouterr()
    assert "2 features" in captured.out and "one-hot" not in captured.err


def test_decimal_commas_in_scientific_notation_are_numbers(tmp_path, capsys):
    """pandas' to_csv(sep=";", decimal=",") writes 7,913e-05: a number, as feature and target."""
    pd = pytest.importorskip("pandas")
    from sklearn.datasets import load_diabetes

    frame = load_diabetes(as_frame=True).frame
    frame.loc[0, "bp"] = 7.913e-05
    path = tmp_path / "semicolons.csv"
    frame.to_csv(path, sep=";", decimal=",", index=False)
    plain = tmp_path / "commas.csv"
    frame.to_csv(plain, index=False)
    assert "7,913e-05" in path.read_text()
    outputs = []
    for data in (path, plain):
        assert main(["--data", str(data), "--target", "bp", *QUICK]) == 0
        captured = capsys.readouterr()
        assert "one-hot" not in captured.err and "TanhMLPRegressor" in captured.err
        outputs.append(captured.out.splitlines()[1:-1])  # the scores, not the time
    assert outputs[0] == outputs[1]
    assert pd.read_csv(path, sep=";", decimal=",")["bp"][0] == pytest.approx(7.913e-05)


@pytest.mark.parametrize(
    "content, value",
    [
        ('price,y\n"1,181",0\n950,1\n"2,400",0\n700,1\n', "1,181"),  # thousands, comma file
        ("price;y\n2.248,28;0\n950,5;1\n3.100,00;0\n", "2.248,28"),  # thousands, EU style
        ("share,y\n12.4%,0\n3.5%,1\n50%,0\n8%,1\n", "12.4%"),  # percentages
        ("price,y\n$12.34,0\n$9.50,1\n$120.00,0\n$1.99,1\n", "$12.34"),  # currency
        ("price;y\n12,50 \u20ac;0\n9 \u20ac;1\n3,10 \u20ac;0\n", "12,50 \u20ac"),
        ("share,y\n\u22120.5,0\n0.25,1\n\u22121.5,0\n2,1\n", "\u22120.5"),  # a minus sign
    ],
)
def test_numbers_written_for_reading_are_refused_not_encoded(tmp_path, capsys, content, value):
    for target in ("y", "price" if "price" in content else "share"):
        assert main(["--data", _csv(tmp_path, content), "--target", target, *QUICK]) == 2
        err = capsys.readouterr().err
        assert f"{value!r}" in err and "is a number written with a" in err
        assert ("for categories (plans by price), name them" in err) == (
            "$" in value or "\u20ac" in value
        )
        assert len(err.strip().splitlines()) == 1


def test_a_row_of_empty_cells_is_a_row_of_missing_values_not_skipped(tmp_path, capsys):
    path = _csv(tmp_path, "a,b,label\n1,2,x\n,,y\n3,4,x\n5,6,y\n\n7,8,x\n2,1,y\n")
    assert main(["--data", path, "--target", "label", *QUICK, "--test-size", "0.5"]) == 0
    assert "filling in 2 missing values" in capsys.readouterr().err


def test_a_quoted_empty_cell_alone_is_a_missing_value_not_skipped(tmp_path, capsys):
    # pandas writes a missing value of a one-column table as "": a row, not a blank line
    from sktanhnet._cli.table import read_table

    path = _csv(tmp_path, 'x\n1.0\n""\n\n59.0\n  \n3.5\n')
    table = read_table(path)
    assert table.rows == [["1.0"], [""], ["59.0"], ["3.5"]]
    assert table.lines == [2, 3, 5, 7]


def test_a_test_size_that_leaves_no_training_rows_asks_for_a_smaller_one(tmp_path, capsys):
    rows = "".join(f"{i},{'xz'[i % 2]}\n" for i in range(60))
    data = _csv(tmp_path, "a,y\n" + rows)
    assert main(["--data", data, "--target", "y", "--test-size", "0.99"]) == 2
    err = capsys.readouterr().err
    assert "--test-size 0.99 of its 60 rows leaves 0 training rows and 60 held-out rows" in err
    assert err.endswith("(use a smaller --test-size, or more rows)\n")


def test_a_test_size_that_leaves_too_few_training_rows_for_the_classes_asks_for_a_smaller_one(
    tmp_path, capsys
):
    # the split is stratified: 1 training row for 3 classes (scikit-learn's message names its
    # train_size, and a larger test size made it worse)
    rows = "".join(f"{i},{'xyz'[i % 3]}\n" for i in range(90))
    data = _csv(tmp_path, "a,y\n" + rows)
    assert main(["--data", data, "--target", "y", "--test-size", "0.98"]) == 2
    err = capsys.readouterr().err
    assert "leaves 1 training row and 89 held-out rows, and a split stratified by class" in err
    assert "train_size" not in err
    assert err.endswith("(use a smaller --test-size, or more rows)\n")


def test_a_missing_target_column_names_the_columns_as_read_and_their_separator(tmp_path, capsys):
    # a header where a comma and a tab tie, each splitting every line in two: read with tabs
    # (a comma split leaves a tab in a field), which the message shows
    path = _csv(tmp_path, "weight, kg\tlabel\n1, 2\tx\n")
    assert main(["--data", path, "--target", "Label"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: column 'Label' not found in {path} (did you mean 'label'?); its 2 columns, "
        "separated by tabs: 'weight, kg', 'label'\n"
    )
    wide = _csv(tmp_path, ",".join(f"c{i}" for i in range(3000)) + "\n" + "1," * 2999 + "1\n")
    assert main(["--data", wide, "--target", "label"]) == 2
    err = capsys.readouterr().err
    assert "its 3000 columns, separated by commas: 'c0', 'c1'," in err and len(err) < 300
    assert "did you mean" not in err  # no column is close to 'label'
    # a close name beyond the first columns shown is named (a review: cut off by '...')
    header = "id,age,income,region,plan,tenure,has_support,monthly_fee,churned"
    path = _csv(tmp_path, header + "\n" + ",".join(["1"] * 9) + "\n")
    assert main(["--data", path, "--target", "Churned"]) == 2
    assert "not found in " + path + " (did you mean 'churned'?)" in capsys.readouterr().err
    assert main(["--data", path, "--target", "monthly fees"]) == 2
    assert "(did you mean 'monthly_fee'?)" in capsys.readouterr().err


def test_decimal_commas_and_points_in_one_column_are_refused(tmp_path, capsys):
    # in a semicolon file, a column with one decimal comma among points (or the other way
    # round, or half and half) is a column of numbers written two ways: not text to encode
    for row in (0, 1, 2, 3, 4, 5):
        values = [f"{i + 0.5}" if i > row else f"{i},5" for i in range(9)]
        path = _csv(tmp_path, "a;b;y\n" + "".join(f"{i};{v};x\n" for i, v in enumerate(values)))
        assert main(["--data", path, "--target", "y"]) == 2
        assert capsys.readouterr().err == (
            f"error: {path}, line 2: '0,5' in column 'b' has a decimal comma, and '{row + 1}.5' "
            "in the same column a point: write the numbers of a column with one decimal mark, "
            "and without thousands separators\n"
        )


def test_nan_in_any_case_is_missing_in_numbers_but_a_value_in_text(tmp_path, capsys):
    # 'Nan' is a name; 'NAN' in a column of numbers is NaN, and counted in the note
    rows = "".join(
        f"{'NAN' if i == 3 else i},{['Nan', 'Ann', 'Bo'][i % 3]},{'xz'[i % 2]}\n" for i in range(30)
    )
    path = _csv(tmp_path, "a,name,y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    err = capsys.readouterr().err
    assert "filling in 1 missing value" in err and "a 1" in err
    assert "'name' (3)" in err


@pytest.mark.parametrize(
    "value, said", [("1.{:03d}", True), ("0.{:03d}", False), ("1.{:02d}", False)]
)
def test_points_that_may_separate_thousands_in_a_tab_file_are_said(tmp_path, capsys, value, said):
    # 1.000 is 1 to a program and 1000 to a reader of a German spreadsheet: in a tab file, which
    # anyone writes, said, not refused
    rows = "".join(f"{value.format(37 * i % 100)}\t{'ab'[i % 2]}\n" for i in range(20))
    path = _csv(tmp_path, "x\ty\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    err = capsys.readouterr().err
    assert (
        "reading decimal points (1.000 is 1) in 'x', where every point has three digits" in err
    ) is said


def test_points_that_may_separate_thousands_in_a_semicolon_file_are_refused(tmp_path, capsys):
    # a semicolon file is the export of a decimal-comma locale, where 1.000 is 1000
    rows = "".join(f"{i % 7};1.{37 * i % 100:03d};{'ab'[i % 2]}\n" for i in range(20))
    path = _csv(tmp_path, "rooms;x;y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 2
    assert capsys.readouterr().err == (
        f"error: {path}, line 2: '1.000' in column 'x' has a point that may separate thousands, "
        "in a file of decimal commas (separated by semicolons): write the numbers without "
        "thousands separators (1234)\n"
    )
    # unless another column shows that its points are decimal points
    rows = "".join(f"{i % 7 + 0.5};1.{37 * i % 100:03d};{'ab'[i % 2]}\n" for i in range(20))
    assert main(["--data", _csv(tmp_path, "a;x;y\n" + rows), "--target", "y", *QUICK]) == 0


def test_a_fault_in_a_record_over_several_lines_names_its_first_line(tmp_path, capsys):
    path = _csv(tmp_path, 'a,b,y\n1,2,x\n3,inf,"two\nlines"\n4,5,z\n')
    assert main(["--data", path, "--target", "y"]) == 2
    assert "line 3: 'inf' in column 'b'" in capsys.readouterr().err


def test_thousands_points_beside_decimal_commas_are_refused_naming_the_value(tmp_path, capsys):
    # 950 and 1.234 in a file of decimal commas: 1234, or 1.234? Refused, not guessed
    sizes = ["950", "1.234", "12.500", "87"]
    rows = "".join(f"{sizes[i % 4]};{i % 9},{i % 7};{'ab'[i % 2]}\n" for i in range(40))
    path = _csv(tmp_path, "population;area;y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 2
    assert capsys.readouterr().err == (
        f"error: {path}, line 3: '1.234' in column 'population' has a point that may separate "
        "thousands, in a file of decimal commas (as in column 'area'): write the numbers without "
        "thousands separators (1234)\n"
    )
    # so is a column whose every value has such a point
    rows = "".join(f"{1 + i % 3}.{i % 10}00;{i % 9},{i % 7};{'ab'[i % 2]}\n" for i in range(40))
    assert main(["--data", _csv(tmp_path, "population;area;y\n" + rows), "--target", "y"]) == 2
    assert "'1.000' in column 'population' has a point that may separate" in capsys.readouterr().err
    # a point with other than three digits after it is a decimal point: read as one
    sizes[1] = "1.25"
    rows = "".join(f"{sizes[i % 4]};{i % 9},{i % 7};{'ab'[i % 2]}\n" for i in range(40))
    assert (
        main(["--data", _csv(tmp_path, "population;area;y\n" + rows), "--target", "y", *QUICK]) == 0
    )
    assert "2 features" in capsys.readouterr().out


@pytest.mark.parametrize("code", ["1_2", "١٢", "１２"])
def test_only_ascii_numerals_are_numbers(tmp_path, capsys, code):
    # float() reads 1_2 as 12, and other scripts' digits: a table's reader keeps them as text
    rows = "".join(f"{code if i % 2 else '7'},{i % 5},{'ab'[i % 2]}\n" for i in range(40))
    path = _csv(tmp_path, "code,x,y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    assert "one-hot encoding 1 text column (2 values): 'code'" in capsys.readouterr().err


def test_lines_ending_with_a_carriage_return_alone_are_read(tmp_path, capsys):
    # "CSV (Macintosh)" exports end their lines with \r only
    rows = "".join(f"{i % 7},{i % 5},{'ab'[i % 2]}\r" for i in range(40))
    path = tmp_path / "mac.csv"
    path.write_bytes(("a,b,y\r" + rows).encode())
    assert main(["--data", str(path), "--target", "y", *QUICK]) == 0
    assert "2 features, 2 classes: 30 training rows" in capsys.readouterr().out


def test_a_tab_file_with_commas_in_its_names_and_numbers_is_read_with_tabs(tmp_path, capsys):
    rows = "".join(f"{i % 7},5\t{i % 5},25\t{'ab'[i % 2]}\n" for i in range(40))
    path = _csv(tmp_path, "width, cm\theight, cm\ty\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    captured = capsys.readouterr()
    assert "reading columns separated by tabs" in captured.err
    assert "reading decimal commas (3,5 is 3.5) in 'width, cm', 'height, cm'" in captured.err
    assert "2 features, 2 classes" in captured.out


def test_a_table_the_csv_reader_refuses_names_the_line(tmp_path, capsys, monkeypatch):
    # a field past the csv module's limit (which read_table raises to 2**31 - 1: lowered here)
    limit = csv.field_size_limit
    before = limit()
    monkeypatch.setattr(csv, "field_size_limit", lambda new=None: limit(1000))
    path = _csv(tmp_path, "a,y\n1,x\n2," + "z" * 2_000 + "\n")
    try:
        assert main(["--data", path, "--target", "y"]) == 2
    finally:
        limit(before)
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}, line 3: not a readable table: field larger than")


def test_commas_that_may_separate_thousands_in_a_tab_file_are_refused(tmp_path, capsys):
    # an English spreadsheet pasted as tab-separated text: 272,331 is 272331, not 272.331
    prices = ["272,331", "950", "12,500", "1,200"]
    rows = "".join(f"{i % 7}\t{prices[i % 4]}\t{'ab'[i % 2]}\n" for i in range(40))
    path = _csv(tmp_path, "rooms\tprice\ty\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 2
    assert capsys.readouterr().err == (
        f"error: {path}, line 2: '272,331' in column 'price' may be 272331 (a comma that "
        "separates thousands) or 272.331 (a decimal comma): write the numbers without "
        "thousands separators, and decimals with a point (272.331)\n"
    )
    # as a target too, where it would have been a regression in the wrong units
    assert main(["--data", path, "--target", "price", *QUICK]) == 2
    assert "'272,331' in column 'price' may be 272331" in capsys.readouterr().err
    # in a semicolon file, a decimal-comma locale's export: 1,250 kg is 1.25
    rows = "".join(f"{i % 7};{prices[i % 4]};{'ab'[i % 2]}\n" for i in range(40))
    path = _csv(tmp_path, "rooms;weight;y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    assert "reading decimal commas (3,5 is 3.5) in 'weight'" in capsys.readouterr().err


def test_thousands_commas_beside_decimal_points_or_commas_elsewhere(tmp_path, capsys):
    # another column with decimal points: the commas separate thousands, refused as such
    prices = ["272,331", "950", "12,500", "1,200"]
    rows = "".join(f"{i % 7 + 0.25}\t{prices[i % 4]}\t{'ab'[i % 2]}\n" for i in range(40))
    path = _csv(tmp_path, "size\tprice\ty\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 2
    assert capsys.readouterr().err == (
        f"error: {path}, line 2: '272,331' in column 'price' has a comma that separates "
        "thousands (the file's decimals have points): write the numbers without it (272331)\n"
    )
    # another column with decimal commas of another shape: these are decimal commas too
    rows = "".join(f"{i % 7},25;{prices[i % 4]};{'ab'[i % 2]}\n" for i in range(40))
    path = _csv(tmp_path, "size;weight;y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    assert "reading decimal commas (3,5 is 3.5) in 'size', 'weight'" in capsys.readouterr().err


def test_thousands_commas_beside_both_decimal_marks_are_refused(tmp_path, capsys):
    rows = "".join(
        f"{i % 7},5;{['1,200', '2,300'][i % 2]};{i % 3 + 0.75};{'ab'[i % 2]}\n" for i in range(40)
    )
    path = _csv(tmp_path, "a;b;c;y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 2
    assert "'1,200' in column 'b' may be 1200" in capsys.readouterr().err


def test_points_that_may_separate_thousands_beside_whole_numbers_are_said(tmp_path, capsys):
    # prices, some under 1000, in a tab file: 303.317 may be 303317 to its writer, and is said
    prices = ["303.317", "950", "12.500", "87"]
    rows = "".join(f"{i % 7}\t{prices[i % 4]}\t{'ab'[i % 2]}\n" for i in range(40))
    path = _csv(tmp_path, "rooms\tprice\ty\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    assert (
        "reading decimal points (1.000 is 1) in 'price', where every point has three digits "
        "after it: if it separates thousands, write the numbers without it"
    ) in capsys.readouterr().err
    # not where another column shows that points are decimal points here
    rows = "".join(f"{i % 7 + 0.5}\t{prices[i % 4]}\t{'ab'[i % 2]}\n" for i in range(40))
    assert main(["--data", _csv(tmp_path, "rooms\tprice\ty\n" + rows), "--target", "y"]) == 0
    assert "reading decimal points" not in capsys.readouterr().err


def test_a_pandas_index_written_again_is_left_out_and_said(tmp_path, capsys):
    # read_csv then to_csv: the unnamed index comes back as 'Unnamed: 0'
    rows = "".join(f"{i},{i % 7},{i % 5},{'ab'[i < 20]}\n" for i in range(40))
    path = _csv(tmp_path, "Unnamed: 0,a,b,y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    captured = capsys.readouterr()
    assert "leaving out the first column 'Unnamed: 0' (a DataFrame's index)" in captured.err
    assert "2 features" in captured.out
    # a column of that name that is not an index's labels is a feature
    rows = "".join(f"{i % 3},{i % 7},{i % 5},{'ab'[i < 20]}\n" for i in range(40))
    assert main(["--data", _csv(tmp_path, "Unnamed: 0,a,b,y\n" + rows), "--target", "y"]) == 0
    assert "3 features" in capsys.readouterr().out


@pytest.mark.parametrize(
    "start, kind",
    [
        (b"PAR1\x15\x04", "a Parquet file"),
        (b"PK\x03\x04\x14\x00", "a zip archive (an Excel workbook?)"),
    ],
)
def test_a_binary_file_is_named_for_what_it_is(tmp_path, capsys, start, kind):
    path = tmp_path / "table.csv"
    path.write_bytes(start + bytes(range(128, 256)))
    assert main(["--data", str(path), "--target", "y"]) == 2
    assert capsys.readouterr().err == (
        f"error: {path} is {kind}, not a table of text: the command line reads comma-, "
        "semicolon- or tab-separated text; save the table as CSV\n"
    )


def test_an_unnamed_0_target_is_kept(tmp_path, capsys):
    rows = "".join(f"{i},{i % 7},{i % 5}\n" for i in range(40))
    path = _csv(tmp_path, "Unnamed: 0,a,b\n" + rows)
    assert main(["--data", path, "--target", "Unnamed: 0", *QUICK]) == 0
    assert "leaving out" not in capsys.readouterr().err


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"])
def test_thousands_separated_by_a_no_break_space_are_refused(tmp_path, capsys, space):
    # French exports: 1 234,5 with a no-break space, not a text column
    rows = "".join(f"{i % 7};1{space}{200 + i},5;{'ab'[i % 2]}\n" for i in range(40))
    path = _csv(tmp_path, "a;price;y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 2
    assert "is a number written with a thousands separator" in capsys.readouterr().err


def _rows_of_numbers(count, separator=","):
    """``count`` rows of a, b and a label y, as a file with ``separator`` writes them."""
    return "".join(f"{i % 7}{separator}{i % 5}{separator}{'xy'[i % 2]}\n" for i in range(count))


@pytest.mark.parametrize("end", ["", "\n"])
def test_a_quote_that_nothing_closes_is_refused_naming_its_line(tmp_path, capsys, end):
    # it took every line after it into one cell: 31 rows of 100 trained, in silence
    rows = _rows_of_numbers(100).splitlines()
    rows[30] = rows[30][:-1] + '"' + rows[30][-1]
    path = _csv(tmp_path, "a,b,y\n" + "\n".join(rows) + end)
    assert main(["--data", path, "--target", "y", *QUICK]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: {path}, line 32: a quote opens a field that no quote closes before the end of "
        "the file: close it, or leave it out\n"
    )


def test_a_quoted_field_over_lines_like_the_tables_rows_is_said_in_a_warning(tmp_path, capsys):
    rows = _rows_of_numbers(100).splitlines()
    rows[30] = rows[30][:-1] + '"' + rows[30][-1]  # opened on line 32
    rows[60] = rows[60] + '"'  # closed on line 62: lines 33 to 61 were one cell, said in a note
    path = _csv(tmp_path, "a,b,y\n" + "\n".join(rows) + "\n")
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    assert (
        f"warning: {path}, line 32: a quoted field runs on to line 62, over lines that look like "
        "rows of the table: if a quote was left open on line 32, close it where the field ends; "
        "each such field is read as one cell\n"
    ) in capsys.readouterr().err


@pytest.mark.parametrize(
    "text, line",
    [
        # a quote left open on line 3, that the quote opening "z" closes: "y,6\n7,z" as a cell
        ('a,b,c\n1,x,3\n4,"y,6\n7,"z",9\n10,w,12\n', 3),
        ('x,city,y\n1,"Oslo",a\n3,"Chicago,b\n4,"Boston",b\n5,"Rome",a\n', 3),
        # the record runs on to line 5, through a later quoted field: the early close is on 4
        ('a,b,c\n1,x,3\n4,"y,6\n7,"z",9,"w\n8,u"\n10,w,12\n', 3),
    ],
)
def test_a_quote_left_open_that_the_next_quoted_field_closes_is_refused(
    tmp_path, capsys, text, line
):
    path = _csv(tmp_path, text)
    assert main(["--data", path, "--target", text.split(",")[2].split("\n")[0], *QUICK]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}, line {line}: a quoted field runs on to line {line + 1}")
    assert f"is a quote left open on line {line}?" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "record",
    [
        '"Smith" ,"New\nYork" ,{y}',  # aligned by hand: spaces after closing quotes
        '{i},"two\nlines" ,{y}',
        '"{i}"x,"two\nlines\nmore",{y}',  # "1"x is one cell, 1x, as on a line of its own
    ],
)
def test_spaces_or_a_one_line_fields_text_after_a_quote_do_not_refuse_a_record(
    tmp_path, capsys, record
):
    # a review: these records, over two lines, were refused as a quote left open
    rows = "".join(record.format(i=i, y=i % 2) + "\n" for i in range(40))
    path = _csv(tmp_path, "a,b,y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    assert "error" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "text, line",
    [
        # '"5" tv' (a quote, then more of the field) hid the quote left open after it
        ('a,b,c\n1,2,3\n4,"5" tv,"6\n', 3),
        # the line of the quote left open, not the first of its record's
        ('a,b,c\n1,"a\nb","c\n', 3),
    ],
)
def test_a_quote_left_open_on_the_last_lines_is_refused_naming_its_line(
    tmp_path, capsys, text, line
):
    path = _csv(tmp_path, text)
    assert main(["--data", path, "--target", "c"]) == 2
    assert f"line {line}: a quote opens a field that no quote closes" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text",
    [
        # a message, its lines with one comma each: as many fields as a row of two
        "message,label\n" + '"Dear team,\nThanks, great",pos\n"ok",neg\n' * 20,
        # an address whose second line has as many fields as a row, but text where ids are
        "id,address,y\n" + '1,"12 Main St\nSpringfield, IL, 62704",a\n2,"5 Elm",b\n' * 20,
    ],
)
def test_text_over_several_lines_that_looks_partly_like_rows_is_read(tmp_path, capsys, text):
    path = _csv(tmp_path, text)
    target = text.split("\n")[0].split(",")[-1]
    assert main(["--data", path, "--target", target, *QUICK]) == 0
    err = capsys.readouterr().err
    assert "warning" not in err and "records with a quoted field over several lines" in err


def test_text_with_line_breaks_in_quotes_is_one_cell_with_a_note(tmp_path, capsys):
    # a line of the text has as many fields as a row, not all of them: text, not rows
    notes = ["one", "two\nlines, here", "three\nlines, a, b, c\nhere"]
    rows = "".join(f'{i % 7},{i % 5},"{notes[i % 3]}",{"xy"[i % 2]}\n' for i in range(40))
    path = _csv(tmp_path, "a,b,note,y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    captured = capsys.readouterr()
    assert "26 records with a quoted field over several lines (the first on lines 3 to 4)" in (
        captured.err
    )
    assert "3 features, 2 classes" in captured.out and "'note' (3)" in captured.err


@pytest.mark.parametrize("separator", [";", "\t"])
@pytest.mark.parametrize("column", ["x", "y"])
def test_a_stray_word_among_decimal_commas_is_refused_as_among_points(
    tmp_path, capsys, separator, column
):
    # it made the column text: 54 classes of a numeric target, or a feature one-hot encoded
    rows = [[f"{i % 7},{i % 3 + 1}", f"{i % 5}", f"{i % 9 + 1},{i % 4}"] for i in range(60)]
    rows[7][0 if column == "x" else 2] = "-"
    text = "\n".join(separator.join(row) for row in [["x", "z", "y"], *rows]) + "\n"
    path = _csv(tmp_path, text)
    assert main(["--data", path, "--target", "y", *QUICK]) == 2
    role = "column" if column == "x" else "target column"
    err = capsys.readouterr().err
    assert f"{path}, line 9: '-' in {role} '{column}', a column of numbers but for 1 value" in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("option", [["--task", "regression"], ["--loss", "poisson"]])
def test_a_stray_word_in_a_regression_target_is_named_with_its_line(tmp_path, capsys, option):
    rows = "".join(f"{i % 7},{i % 5},{i % 9 + 0.5}\n" for i in range(40))
    path = _csv(tmp_path, "a,b,y\n" + rows.replace("\n3,3,3.5\n", "\n3,3,-\n"))
    assert main(["--data", path, "--target", "y", *option, *QUICK]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: {path}, line 5: '-' in target column 'y', a column of numbers but for 1 value: "
        "write a missing value as an empty cell or NA (its row is then left out); where '-' "
        "stands for zero, write 0\n"
    )


@pytest.mark.parametrize("separator, codes", [(",", ["1", "2"]), (";", ["1,5", "2,5"])])
def test_a_column_of_categories_some_named_with_numbers_is_refused_with_how_to_keep_it(
    tmp_path, capsys, separator, codes
):
    # 'A' in a third of the rows, numbers in the rest: a category, or a missing-value token
    grades = [codes[i % 2] if i % 3 else "A" for i in range(30)]
    rows = "".join(f"{i}{separator}{grade}{separator}{i % 2}\n" for i, grade in enumerate(grades))
    path = _csv(tmp_path, f"size{separator}grade{separator}y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: {path}, line 2: 'A' in column 'grade', a column of numbers but for 10 values: "
        "write a missing value as an empty cell or NA; for a column of categories, name every "
        "category with text, not a number\n"
    )


@pytest.mark.parametrize("word", ["oops", "-", "--", "unknown", "Missing"])
def test_a_stray_or_missing_word_among_numbers_gets_no_advice_on_categories(tmp_path, capsys, word):
    # once (a typo), or repeated where it reads as a missing value: not a category's name
    once = word == "oops"
    rows = "".join(
        f"{i},{word if (i == 4 if once else i % 5 == 0) else i % 3},{i % 2}\n" for i in range(30)
    )
    path = _csv(tmp_path, "a,b,y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 2
    err = capsys.readouterr().err
    assert f"{word!r} in column 'b'" in err and "categories" not in err


def test_lines_of_text_with_words_where_decimal_commas_are_do_not_look_like_rows(tmp_path, capsys):
    # a semicolon file: 'more;words;here' has a row's 3 fields, but a word in the column of
    # decimal commas, so the field over two lines is text (a note), not rows (a warning)
    notes = ["one", "two\nmore;words;here"]
    rows = "".join(f'{i % 7},5;"{notes[i % 2]}";{"xy"[i % 3 > 0]}\n' for i in range(40))
    path = _csv(tmp_path, "a;note;y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    err = capsys.readouterr().err
    assert "look like rows" not in err and "records with a quoted field over several" in err


@pytest.mark.parametrize(
    "name, values, warned",
    [
        ("Patient ID", lambda i: 100001 + i, True),
        ("customer_id", lambda i: 7 * i + 3, True),
        ("No", lambda i: i, True),
        ("year", lambda i: 1990 + i, False),  # distinct whole numbers: a feature, by its name
        ("ID", lambda i: i % 25, False),  # repeated: not one row's identifier
        ("id", lambda i: i + 0.5, False),
    ],
)
def test_a_number_column_named_and_valued_as_an_identifier_is_warned_of(
    tmp_path, capsys, name, values, warned
):
    # a review: the text identifiers were left out with a note, numbered ones trained on silently
    rows = "".join(f"{values(i)},{i % 7},{i % 2}\n" for i in range(40))
    path = _csv(tmp_path, f"{name},a,y\n" + rows)
    assert main(["--data", path, "--target", "y", *QUICK]) == 0
    err = capsys.readouterr().err
    message = (
        f"warning: {path}: column {name!r} holds a different whole number in every row, and its "
        "name says identifier"
    )
    assert (message in err) == warned


def test_a_first_line_of_numbers_is_warned_of_as_perhaps_a_row_of_data(tmp_path, capsys):
    rows = "".join(f"{i / 3:.3f},{i % 4 + 0.5},{i % 2}\n" for i in range(40))
    path = _csv(tmp_path, "0.5,1.5,1\n" + rows)
    assert main(["--data", path, "--target", "1", *QUICK]) == 0
    assert (
        f"warning: {path}: its first line holds numbers only ('0.5', '1.5', '1'), read as the "
        "columns' names: if it is a row of data, the file lacks a header line and that row is "
        "not used; add one naming the columns\n"
    ) in capsys.readouterr().err
    # a model saved from that file predicts on it without the warning: they are its names
    model = str(tmp_path / "m.skops")
    pytest.importorskip("skops")
    assert main(["--data", path, "--target", "1", *QUICK, "--save", model]) == 0
    capsys.readouterr()
    assert main(["--model", model, "--data", path, "--target", "1"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_a_data_row_repeating_the_header_is_refused(tmp_path, capsys):
    rows = "".join(f"{i},{i % 3},{'ab'[i % 2]}\n" for i in range(10))
    path = _csv(tmp_path, "a,b,label\n" + rows + "a,b,label\n" + rows)
    assert main(["--data", path, "--target", "label"]) == 2
    assert capsys.readouterr().err == (
        f"error: {path}, line 12: a data row repeats the header line (tables joined?): remove it\n"
    )


@pytest.mark.parametrize("word", ["-", "unknown"])
def test_a_missing_values_word_among_many_numbers_is_refused_whatever_its_share(
    tmp_path, capsys, word
):
    # two thirds of a column written '-' beside 14 numbers: not classes of a target, nor a
    # feature's categories
    cells = [word if i % 3 else f"{i / 7:.3f}" for i in range(42)]
    target = _csv(tmp_path, "a,y\n" + "".join(f"{i},{cell}\n" for i, cell in enumerate(cells)))
    assert main(["--data", target, "--target", "y", *QUICK]) == 2
    err = capsys.readouterr().err
    assert f"line 3: {word!r} in target column 'y', a column of numbers but for 28 values" in err
    rows = "".join(f"{cell},{'ab'[i % 2]}\n" for i, cell in enumerate(cells))
    feature = _csv(tmp_path, "x,label\n" + rows)
    assert main(["--data", feature, "--target", "label", *QUICK]) == 2
    zero = "; where '-' stands for zero, write 0" if word == "-" else ""
    assert capsys.readouterr().err == (
        f"error: {feature}, line 3: {word!r} in column 'x', a column of numbers but for 28 "
        f"values: write a missing value as an empty cell or NA{zero}\n"
    )


def test_a_checkbox_column_of_dashes_and_ones_is_one_of_categories(tmp_path, capsys):
    rows = "".join(f"{i / 10},{'-' if i % 3 else 1},{'ab'[i % 2]}\n" for i in range(60))
    path = _csv(tmp_path, "a,garage,label\n" + rows)
    assert main(["--data", path, "--target", "label", *QUICK]) == 0
    assert "one-hot encoding 1 text column (2 values): 'garage' (2)" in capsys.readouterr().err


def test_a_label_that_reads_as_missing_is_warned_of(tmp_path, capsys):
    rows = "".join(f"{i / 10},{('yes', 'no', '-')[i % 3]}\n" for i in range(30))
    path = _csv(tmp_path, "a,label\n" + rows)
    assert main(["--data", path, "--target", "label", *QUICK]) == 0
    assert (
        f"warning: {path}: target column 'label' holds '-', which reads as a missing value but "
        "is taken as a class: write a missing target as an empty cell or NA to leave its row out"
    ) in capsys.readouterr().err


def test_notes_name_the_tokens_read_as_missing(tmp_path, capsys):
    # 'None' may be a class, 'NA' North America: the notes say they were read as missing
    regions = ("EU", "NA", "AS")
    labels = ("Mild", "Severe", "None")
    rows = "".join(f"{i / 10},{regions[i % 3]},{labels[i % 2 + (i % 5 == 0)]}\n" for i in range(40))
    path = _csv(tmp_path, "a,region,sev\n" + rows)
    assert main(["--data", path, "--target", "sev", *QUICK]) == 0
    err = capsys.readouterr().err
    assert "rows without a value in target column 'sev' (the first on line " in err
    assert "; read as missing: 'None')" in err
    assert re.search(
        r"filling in (\d+) missing values \(text with its most frequent value\): region \1; "
        "read as missing: 'NA'\n",
        err,
    )


def test_a_decimal_comma_in_a_one_column_file_is_named_as_such(tmp_path, capsys):
    path = _csv(tmp_path, "a\n1,5\n-0,25\n")
    assert main(["--data", path, "--target", "a"]) == 2
    assert capsys.readouterr().err == (
        f"error: {path}, line 2: '1,5' in column 'a' is a number with a decimal comma in a "
        "comma-separated file: write it with a point (3.1), or separate the columns with "
        "semicolons\n"
    )


def test_standard_input_as_a_dash_is_pointed_to_dev_stdin(capsys):
    assert main(["--data", "-", "--target", "y"]) == 2
    assert capsys.readouterr().err.endswith(
        "cannot read -: No such file or directory (standard input is /dev/stdin)\n"
    )


def test_headers_of_whole_numbers_name_columns(tmp_path, capsys):
    # years, and pandas' default names (a row of the same numbers below them is data)
    rows = "".join(f"{i % 4},{(i * 7) % 5},{i % 2}\n" for i in range(40))
    for header in ("2019,2020,2021", "0,1,2", "-2,-1,0"):
        path = _csv(tmp_path, header + "\n0,1,2\n" + rows)
        target = header.split(",")[-1]
        assert main(["--data", path, "--target", target, *QUICK]) == 0, capsys.readouterr().err
        assert "error" not in capsys.readouterr().err


def test_a_column_of_signs_is_one_of_categories(tmp_path, capsys):
    # '+' and '-' beside '0' are categories, not missing values among numbers
    rows = "".join(f"{i / 10},{'+-0'[i % 3]},{'ab'[i % 2]}\n" for i in range(60))
    path = _csv(tmp_path, "a,sign,label\n" + rows)
    assert main(["--data", path, "--target", "label", *QUICK]) == 0
    assert "one-hot encoding 1 text column (3 values): 'sign' (3)" in capsys.readouterr().err
    # and as labels, no warning of missing values
    rows = "".join(f"{i / 10},{'+-'[i % 2]}\n" for i in range(40))
    path = _csv(tmp_path, "a,label\n" + rows)
    assert main(["--data", path, "--target", "label", *QUICK]) == 0
    assert "reads as a missing value" not in capsys.readouterr().err
