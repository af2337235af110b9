// The hand-written argument parser of attnscope-cli: strict number conversions and the option
// grammar, with the exact messages users see.

#include "app/cli/arguments.h"
#include "core/base/error.h"

#include <QTest>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

using namespace attnscope;
using namespace attnscope::cli;

namespace {

std::vector<std::string> toStd(const QStringList& list) {
    std::vector<std::string> out;
    for (const QString& s : list) {
        out.push_back(s.toStdString());
    }
    return out;
}

ArgumentParser testParser() {
    return ArgumentParser("demo", "A parser for tests.",
                          {
                              {"heads", "H", "Heads.", true},
                              {"scale", "X", "Scale."},
                              {"path", "FILE", "A path."},
                              {"causal", "", "A flag."},
                          });
}

} // namespace

class TestCliArguments : public QObject {
    Q_OBJECT

private slots:
    void parseInt64_data();
    void parseInt64();
    void parseUInt64_data();
    void parseUInt64();
    void parseFiniteFloat_data();
    void parseFiniteFloat();
    void grammar_data();
    void grammar();
    void conversions_data();
    void conversions();
    void usageListsEveryOption();
    void quoteArgumentKeepsOneLine();
};

void TestCliArguments::parseInt64_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("expected");

    QTest::newRow("plain") << "42" << true << qint64(42);
    QTest::newRow("zero") << "0" << true << qint64(0);
    QTest::newRow("negative") << "-7" << true << qint64(-7);
    QTest::newRow("leading_zeros") << "007" << true << qint64(7);
    QTest::newRow("int64_max") << "9223372036854775807" << true << qint64(INT64_MAX);
    QTest::newRow("int64_min") << "-9223372036854775808" << true << qint64(INT64_MIN);
    QTest::newRow("overflow_by_one") << "9223372036854775808" << false << qint64(0);
    QTest::newRow("twenty_digits") << "99999999999999999999" << false << qint64(0);
    QTest::newRow("empty") << "" << false << qint64(0);
    QTest::newRow("leading_plus") << "+5" << false << qint64(0);
    QTest::newRow("leading_space") << " 5" << false << qint64(0);
    QTest::newRow("trailing_space") << "5 " << false << qint64(0);
    QTest::newRow("trailing_letters") << "5x" << false << qint64(0);
    QTest::newRow("hex") << "0x10" << false << qint64(0);
    QTest::newRow("decimal_point") << "1.0" << false << qint64(0);
    QTest::newRow("exponent") << "1e3" << false << qint64(0);
    QTest::newRow("word") << "four" << false << qint64(0);
    QTest::newRow("lone_minus") << "-" << false << qint64(0);
}

void TestCliArguments::parseInt64() {
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, expected);

    const std::optional<std::int64_t> parsed = cli::parseInt64(text.toStdString());
    QCOMPARE(parsed.has_value(), valid);
    if (valid) {
        QCOMPARE(*parsed, expected);
    }
}

void TestCliArguments::parseUInt64_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<quint64>("expected");

    QTest::newRow("zero") << "0" << true << quint64(0);
    QTest::newRow("uint64_max") << "18446744073709551615" << true << quint64(UINT64_MAX);
    QTest::newRow("overflow_by_one") << "18446744073709551616" << false << quint64(0);
    // from_chars on an unsigned type must not accept "-1" and wrap it to 2^64 - 1.
    QTest::newRow("minus_one") << "-1" << false << quint64(0);
    QTest::newRow("minus_zero") << "-0" << false << quint64(0);
    QTest::newRow("leading_plus") << "+1" << false << quint64(0);
    QTest::newRow("trailing_garbage") << "12abc" << false << quint64(0);
}

void TestCliArguments::parseUInt64() {
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(quint64, expected);

    const std::optional<std::uint64_t> parsed = cli::parseUInt64(text.toStdString());
    QCOMPARE(parsed.has_value(), valid);
    if (valid) {
        QCOMPARE(*parsed, expected);
    }
}

void TestCliArguments::parseFiniteFloat_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<float>("expected");

    QTest::newRow("integer") << "2" << true << 2.0f;
    QTest::newRow("decimal") << "0.125" << true << 0.125f;
    QTest::newRow("leading_dot") << ".5" << true << 0.5f;
    QTest::newRow("negative") << "-1.5" << true << -1.5f;
    QTest::newRow("scientific") << "2.5e-3" << true << 2.5e-3f;
    QTest::newRow("float_max") << "3.4028235e38" << true << 3.4028235e38f;
    QTest::newRow("overflow") << "1e39" << false << 0.0f;
    QTest::newRow("nan") << "nan" << false << 0.0f;
    QTest::newRow("inf") << "inf" << false << 0.0f;
    QTest::newRow("minus_infinity") << "-infinity" << false << 0.0f;
    QTest::newRow("c_suffix") << "1.5f" << false << 0.0f;
    QTest::newRow("dangling_exponent") << "1e" << false << 0.0f;
    QTest::newRow("hex_float") << "0x1p3" << false << 0.0f;
    QTest::newRow("comma_decimal") << "0,5" << false << 0.0f;
    QTest::newRow("leading_plus") << "+1" << false << 0.0f;
    QTest::newRow("leading_space") << " 1" << false << 0.0f;
    QTest::newRow("empty") << "" << false << 0.0f;
}

void TestCliArguments::parseFiniteFloat() {
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(float, expected);

    const std::optional<float> parsed = cli::parseFiniteFloat(text.toStdString());
    QCOMPARE(parsed.has_value(), valid);
    if (valid) {
        QCOMPARE(*parsed, expected);
    }
}

void TestCliArguments::grammar_data() {
    QTest::addColumn<QStringList>("arguments");
    // Empty: parsing succeeds. Otherwise the exact message.
    QTest::addColumn<QString>("error");
    // For successful rows: option=value pairs that must be present ("causal=" for a flag).
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<bool>("help");

    QTest::newRow("space_separated_value")
        << QStringList{"--heads", "4"} << "" << QStringList{"heads=4"} << false;
    QTest::newRow("equals_value") << QStringList{"--heads=4", "--scale=0.5"} << ""
                                  << QStringList{"heads=4", "scale=0.5"} << false;
    QTest::newRow("flag") << QStringList{"--causal", "--heads", "1"} << ""
                          << QStringList{"causal=", "heads=1"} << false;
    QTest::newRow("value_with_equals_sign") << QStringList{"--heads", "1", "--path=a=b.npy"} << ""
                                            << QStringList{"path=a=b.npy"} << false;
    QTest::newRow("value_starting_with_dashes_via_equals")
        << QStringList{"--heads", "1", "--path=--odd.npy"} << "" << QStringList{"path=--odd.npy"}
        << false;
    // A negative number is a value (the range check comes later, naming the option).
    QTest::newRow("negative_number_is_a_value")
        << QStringList{"--heads", "-1"} << "" << QStringList{"heads=-1"} << false;
    QTest::newRow("help_flag") << QStringList{"--help"} << "" << QStringList{} << true;
    QTest::newRow("short_help") << QStringList{"-h"} << "" << QStringList{} << true;
    QTest::newRow("help_wins_over_unknown_option")
        << QStringList{"--bogus", "--help"} << "" << QStringList{} << true;

    QTest::newRow("unknown_option")
        << QStringList{"--heads", "1", "--bogus"}
        << "unknown option '--bogus' (see 'attnscope-cli demo --help')" << QStringList{} << false;
    QTest::newRow("unknown_option_with_value")
        << QStringList{"--heads", "1", "--head=4"}
        << "unknown option '--head' (see 'attnscope-cli demo --help')" << QStringList{} << false;
    QTest::newRow("missing_value_at_end")
        << QStringList{"--heads"} << "--heads requires a value (H)" << QStringList{} << false;
    QTest::newRow("missing_value_before_option")
        << QStringList{"--heads", "--causal"} << "--heads requires a value (H)" << QStringList{}
        << false;
    QTest::newRow("empty_value_after_equals")
        << QStringList{"--heads="} << "--heads requires a non-empty value (H)" << QStringList{}
        << false;
    QTest::newRow("empty_value_separate")
        << QStringList{"--heads", ""} << "--heads requires a non-empty value (H)" << QStringList{}
        << false;
    QTest::newRow("flag_with_value")
        << QStringList{"--heads", "1", "--causal=yes"}
        << "--causal is a flag and takes no value, got 'yes'" << QStringList{} << false;
    QTest::newRow("repeated_option") << QStringList{"--heads", "1", "--heads", "2"}
                                     << "--heads given more than once" << QStringList{} << false;
    QTest::newRow("positional_argument")
        << QStringList{"--heads", "1", "q.npy"}
        << "unexpected argument 'q.npy' (see 'attnscope-cli demo --help')" << QStringList{}
        << false;
    QTest::newRow("single_dash_option")
        << QStringList{"-heads", "1"}
        << "unexpected argument '-heads' (see 'attnscope-cli demo --help')" << QStringList{}
        << false;
    QTest::newRow("bare_double_dash")
        << QStringList{"--heads", "1", "--"}
        << "unexpected argument '--' (see 'attnscope-cli demo --help')" << QStringList{} << false;
    QTest::newRow("missing_required_option")
        << QStringList{"--scale", "1"}
        << "missing required option --heads (see 'attnscope-cli demo --help')" << QStringList{}
        << false;
}

void TestCliArguments::grammar() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, error);
    QFETCH(QStringList, expected);
    QFETCH(bool, help);

    const std::vector<std::string> args = toStd(arguments);
    try {
        const ParsedArguments parsed = testParser().parse(args);
        QVERIFY2(error.isEmpty(), qPrintable("expected the error: " + error));
        QCOMPARE(parsed.helpRequested(), help);
        for (const QString& pair : expected) {
            const QString name = pair.section('=', 0, 0);
            const QString value = pair.section('=', 1);
            QVERIFY2(parsed.has(name.toStdString()), qPrintable(name));
            QCOMPARE(QString::fromStdString(*parsed.value(name.toStdString())), value);
        }
    } catch (const Error& e) {
        QCOMPARE(QString::fromUtf8(e.what()), error);
    }
}

void TestCliArguments::conversions_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("kind");
    // Empty: the conversion succeeds and gives `value`.
    QTest::addColumn<QString>("error");
    QTest::addColumn<QString>("value");

    QTest::newRow("positive_ok") << QStringList{"--heads", "12"} << "positive"
                                 << ""
                                 << "12";
    QTest::newRow("positive_zero") << QStringList{"--heads", "0"} << "positive"
                                   << "--heads must be a positive integer, got '0'"
                                   << "";
    QTest::newRow("positive_negative") << QStringList{"--heads", "-3"} << "positive"
                                       << "--heads must be a positive integer, got '-3'"
                                       << "";
    QTest::newRow("positive_word") << QStringList{"--heads", "x"} << "positive"
                                   << "--heads must be a positive integer, got 'x'"
                                   << "";
    QTest::newRow("positive_float_text") << QStringList{"--heads", "2.0"} << "positive"
                                         << "--heads must be a positive integer, got '2.0'"
                                         << "";
    QTest::newRow("positive_above_max") << QStringList{"--heads", "101"} << "positive"
                                        << "--heads must be at most 100, got '101'"
                                        << "";
    QTest::newRow("positive_beyond_int64")
        << QStringList{"--heads", "99999999999999999999"} << "positive"
        << "--heads is out of range (at most 100), got '99999999999999999999'"
        << "";
    QTest::newRow("non_negative_zero") << QStringList{"--heads", "0"} << "nonNegative"
                                       << ""
                                       << "0";
    QTest::newRow("non_negative_minus_one") << QStringList{"--heads", "-1"} << "nonNegative"
                                            << "--heads must be a non-negative integer, got '-1'"
                                            << "";
    QTest::newRow("seed_max") << QStringList{"--heads", "18446744073709551615"} << "unsigned"
                              << ""
                              << "18446744073709551615";
    QTest::newRow("seed_negative") << QStringList{"--heads", "-1"} << "unsigned"
                                   << "--heads must be a non-negative integer, got '-1'"
                                   << "";
    QTest::newRow("seed_overflow")
        << QStringList{"--heads", "18446744073709551616"} << "unsigned"
        << "--heads is out of range (at most 18446744073709551615), got '18446744073709551616'"
        << "";
    QTest::newRow("float_ok") << QStringList{"--heads", "1", "--scale", "0.25"} << "float"
                              << ""
                              << "0.25";
    QTest::newRow("float_zero") << QStringList{"--heads", "1", "--scale", "0"} << "float"
                                << "--scale must be a finite number greater than 0, got '0'"
                                << "";
    QTest::newRow("float_negative") << QStringList{"--heads", "1", "--scale", "-0.5"} << "float"
                                    << "--scale must be a finite number greater than 0, got '-0.5'"
                                    << "";
    QTest::newRow("float_nan") << QStringList{"--heads", "1", "--scale", "nan"} << "float"
                               << "--scale must be a finite number greater than 0, got 'nan'"
                               << "";
    QTest::newRow("float_control_characters_are_replaced")
        << QStringList{"--heads", "1", "--scale", "1\n2"} << "float"
        << "--scale must be a finite number greater than 0, got '1?2'"
        << "";
}

void TestCliArguments::conversions() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, kind);
    QFETCH(QString, error);
    QFETCH(QString, value);

    const std::vector<std::string> args = toStd(arguments);
    const ParsedArguments parsed = testParser().parse(args);
    try {
        QString got;
        if (kind == "positive") {
            got = QString::number(parsed.positiveInt("heads", std::nullopt, 100));
        } else if (kind == "nonNegative") {
            got = QString::number(parsed.nonNegativeInt("heads", 7));
        } else if (kind == "unsigned") {
            got = QString::number(parsed.unsignedInt64("heads", 7));
        } else {
            got = QString::number(double(*parsed.positiveFloat("scale")));
        }
        QVERIFY2(error.isEmpty(), qPrintable("expected the error: " + error));
        QCOMPARE(got, value);
    } catch (const Error& e) {
        QCOMPARE(QString::fromUtf8(e.what()), error);
    }
}

void TestCliArguments::usageListsEveryOption() {
    const QString usage = QString::fromStdString(testParser().usage());
    QVERIFY(usage.startsWith("Usage: attnscope-cli demo --heads H [--scale X] [--path FILE] "
                             "[--causal]\n"));
    for (const char* option : {"--heads H", "--scale X", "--path FILE", "--causal", "--help"}) {
        QVERIFY2(usage.contains(QLatin1String("\n  ") + QLatin1String(option)), option);
    }
    QVERIFY(usage.contains("Heads. (required)"));
    QVERIFY(!usage.contains("Scale. (required)"));
}

void TestCliArguments::quoteArgumentKeepsOneLine() {
    QCOMPARE(QString::fromStdString(quoteArgument("a\r\nb\tc")), QString("'a??b?c'"));
    QCOMPARE(QString::fromStdString(quoteArgument("")), QString("''"));
}

QTEST_GUILESS_MAIN(TestCliArguments)
#include "test_cli_arguments.moc"
