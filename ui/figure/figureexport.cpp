#include "ui/figure/figureexport.h"

#include "core/base/error.h"
#include "core/formats/npy.h"
#include "ui/figure/attentionpanels.h"
#include "ui/figure/attentionplot.h"
#include "ui/figure/fonts.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <array>
#include <cmath>
#include <cstdio>

namespace attnscope {

namespace {

constexpr double kMetersPerInch = 0.0254;

std::string quoted(const QString& path) {
    return "'" + path.toStdString() + "'";
}

void checkTarget(const QString& path, Overwrite overwrite) {
    const QFileInfo info(path);
    if (info.isDir())
        throw Error(quoted(path) + " is a folder; expected a file name");
    if (info.exists() && overwrite == Overwrite::Refuse)
        throw Error(quoted(path) + " exists; choose another name or allow replacing it");
}

/** Writes through QSaveFile: the target appears complete or not at all. */
template <typename Writer>
void writeAtomically(const QString& path, Overwrite overwrite, Writer&& writer) {
    checkTarget(path, overwrite);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(quoted(path) + ": cannot write: " + file.errorString().toStdString());
    writer(file);
    if (file.error() != QFileDevice::NoError) {
        const std::string reason = file.errorString().toStdString();
        file.cancelWriting();
        throw Error(quoted(path) + ": cannot write: " + reason);
    }
    if (!file.commit())
        throw Error(quoted(path) + ": cannot write: " + file.errorString().toStdString());
}

/** Buffers small writes into large ones (CSV and JSON of long sequences are big). */
class ChunkedWriter {
public:
    explicit ChunkedWriter(QIODevice& device)
        : m_device(device) {
        m_buffer.reserve(kChunk + 256);
    }
    ~ChunkedWriter() { flush(); }
    ChunkedWriter(const ChunkedWriter&) = delete;
    ChunkedWriter& operator=(const ChunkedWriter&) = delete;

    void append(const QByteArray& bytes) {
        m_buffer.append(bytes);
        if (m_buffer.size() >= kChunk)
            flush();
    }
    void append(const char* text) { append(QByteArray(text)); }
    void flush() {
        if (!m_buffer.isEmpty())
            m_device.write(m_buffer);
        m_buffer.clear();
    }

private:
    static constexpr qsizetype kChunk = 1 << 20;
    QIODevice& m_device;
    QByteArray m_buffer;
};

/** Full float precision: 9 significant digits round-trip every float32. */
QByteArray number(float value) {
    if (!std::isfinite(value))
        return "nan";
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.9g", double(value));
    return buffer.data();
}

QByteArray jsonNumber(float value) {
    return std::isfinite(value) ? number(value) : QByteArray("null");
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
QByteArray csvField(const QString& text) {
    QByteArray utf8 = text.toUtf8();
    if (utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r') ||
        utf8.startsWith(' ') || utf8.endsWith(' ')) {
        utf8.replace("\"", "\"\"");
        return "\"" + utf8 + "\"";
    }
    return utf8;
}

QByteArray jsonString(const QString& text) {
    QByteArray out = "\"";
    for (const char c : text.toUtf8()) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            std::array<char, 8> escape{};
            std::snprintf(escape.data(), escape.size(), "\\u%04x", unsigned(u));
            out += escape.data();
        } else {
            out += c;
        }
    }
    return out + "\"";
}

/** The logical size of an export: the given one, or the figure's natural size. */
QSize resolveSize(const ImageSize& size, const QSize& natural, const QString& path) {
    if (size.width < 0 || size.height < 0 || size.width > kMaxImageSide ||
        size.height > kMaxImageSide)
        throw Error(quoted(path) + ": image size " + std::to_string(size.width) + "x" +
                    std::to_string(size.height) + " is out of range (1 to " +
                    std::to_string(kMaxImageSide) + ", or 0 for the natural size)");
    if (!(size.scale > 0.0) || size.scale > kMaxImageScale)
        throw Error(quoted(path) + ": scale " + std::to_string(size.scale) +
                    " is out of range (above 0, at most 20)");
    if (size.dpi < 0 || size.dpi > kMaxImageDpi)
        throw Error(quoted(path) + ": dpi " + std::to_string(size.dpi) +
                    " is out of range (1 to 10000, or 0 for 96 × scale)");
    return {size.width > 0 ? size.width : natural.width(),
            size.height > 0 ? size.height : natural.height()};
}

/**
 * QSvgGenerator names only the first family of a font; a viewer that lacks it then falls back
 * to its own choice, which may have no Chinese. Listing the CJK fallback (and a generic family)
 * keeps Chinese labels readable wherever the SVG is opened.
 */
QByteArray withFallbackFamilies(QByteArray svg) {
    const QStringList families = labelFont().families();
    const QByteArray from = "font-family=\"" + families.front().toUtf8() + "\"";
    QByteArray to = "font-family=\"";
    for (const QString& family : families)
        to += "'" + family.toUtf8() + "', ";
    to += "sans-serif\"";
    svg.replace(from, to);
    return svg;
}

void render(AttentionPlot& figure, const QString& path, ImageFormat format, const QSize& logical,
            const ImageSize& size, const QString& title, Overwrite overwrite) {
    const int w = logical.width();
    const int h = logical.height();
    // A PNG gets each map's block maxima at its own pixel size (see setRasterScale); SVG and PDF
    // keep every cell, to be zoomed into. The figure is the export's own, so nothing is restored.
    figure.setRasterScale(format == ImageFormat::Png ? size.scale : 0.0);
    switch (format) {
    case ImageFormat::Png: {
        const int pw = int(std::lround(w * size.scale));
        const int ph = int(std::lround(h * size.scale));
        if (pw < 1 || ph < 1 || double(pw) * double(ph) > kMaxImagePixels)
            throw Error(quoted(path) + ": " + std::to_string(pw) + "x" + std::to_string(ph) +
                        " pixels is too large for a PNG (at most 400 million pixels)");
        QImage image(pw, ph, QImage::Format_ARGB32_Premultiplied);
        if (image.isNull())
            throw Error(quoted(path) + ": out of memory for a " + std::to_string(pw) + "x" +
                        std::to_string(ph) + " image");
        image.fill(Qt::white);
        {
            QCPPainter painter(&image);
            painter.scale(size.scale, size.scale);
            figure.toPainter(&painter, w, h);
        }
        // Set after painting: the painter converts point sizes with the image's resolution.
        const double dpi = size.dpi > 0 ? size.dpi : 96.0 * size.scale;
        image.setDotsPerMeterX(int(std::lround(dpi / kMetersPerInch)));
        image.setDotsPerMeterY(int(std::lround(dpi / kMetersPerInch)));
        image.setText(QStringLiteral("Title"), title);
        image.setText(QStringLiteral("Software"), QStringLiteral("attnscope"));
        writeAtomically(path, overwrite, [&](QSaveFile& file) {
            QImageWriter writer(&file, "png");
            if (!writer.write(image))
                throw Error(quoted(path) +
                            ": cannot write PNG: " + writer.errorString().toStdString());
        });
        return;
    }
    case ImageFormat::Svg: {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QSvgGenerator generator;
        generator.setOutputDevice(&buffer);
        generator.setSize(QSize(w, h));
        generator.setViewBox(QRect(0, 0, w, h));
        generator.setResolution(96); // 1 logical pixel = 1 CSS px
        generator.setTitle(title);
        generator.setDescription(QStringLiteral("attnscope attention heat map"));
        {
            QCPPainter painter;
            if (!painter.begin(&generator))
                throw Error(quoted(path) + ": cannot start the SVG generator");
            painter.setMode(QCPPainter::pmVectorized);
            painter.setMode(QCPPainter::pmNoCaching);
            figure.toPainter(&painter, w, h);
            painter.end();
        }
        const QByteArray svg = withFallbackFamilies(buffer.data());
        writeAtomically(path, overwrite, [&](QSaveFile& file) { file.write(svg); });
        return;
    }
    case ImageFormat::Pdf: {
        writeAtomically(path, overwrite, [&](QSaveFile& file) {
            QPdfWriter writer(&file);
            writer.setCreator(QStringLiteral("attnscope"));
            writer.setTitle(title);
            writer.setResolution(96);
            writer.setPageLayout(QPageLayout(
                QPageSize(QSizeF(w, h), QPageSize::Point, QString(), QPageSize::ExactMatch),
                QPageLayout::Portrait, QMarginsF(0, 0, 0, 0)));
            QCPPainter painter;
            if (!painter.begin(&writer))
                throw Error(quoted(path) + ": cannot start the PDF writer");
            painter.setMode(QCPPainter::pmVectorized);
            painter.setMode(QCPPainter::pmNoCaching);
            painter.setWindow(0, 0, w, h);
            figure.toPainter(&painter, w, h);
            painter.end();
        });
        return;
    }
    }
}

} // namespace

ImageFormat imageFormatForPath(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return ImageFormat::Png;
    if (suffix == QLatin1String("svg"))
        return ImageFormat::Svg;
    if (suffix == QLatin1String("pdf"))
        return ImageFormat::Pdf;
    throw Error(
        quoted(path) + ": unknown image format " +
        (suffix.isEmpty() ? std::string("(no suffix)") : "'." + suffix.toStdString() + "'") +
        "; expected .png, .svg or .pdf");
}

QString headFileName(int layer, int head, const QString& suffix) {
    return QStringLiteral("layer%1_head%2.%3")
        .arg(layer, 2, 10, QLatin1Char('0'))
        .arg(head, 2, 10, QLatin1Char('0'))
        .arg(suffix);
}

QString imageSuffix(ImageFormat format) {
    switch (format) {
    case ImageFormat::Png:
        return QStringLiteral("png");
    case ImageFormat::Svg:
        return QStringLiteral("svg");
    case ImageFormat::Pdf:
        return QStringLiteral("pdf");
    }
    return QStringLiteral("png");
}

void exportImage(const AttentionPlot& plot, const QString& path, const ImageSize& size,
                 Overwrite overwrite, const QString& title) {
    const ImageFormat format = imageFormatForPath(path);
    checkTarget(path, overwrite);
    if (plot.isEmpty())
        throw Error(quoted(path) + ": nothing to export (no attention computed yet)");
    // A figure of its own at the export's size: the window's widget is not resized, and labels,
    // columns and cell sizes are laid out for the image rather than for the screen.
    AttentionPlot figure;
    const QString shownTitle = plot.title().isEmpty() ? title : plot.title();
    figure.setTitle(shownTitle);
    figure.copyFigureFrom(plot);
    figure.setSelectedPanel(-1, -1);
    const QSize natural = figure.naturalSize();
    const QSize logical = resolveSize(size, natural, path);
    figure.resize(logical);
    figure.setViewport(QRect(QPoint(0, 0), logical));
    figure.rebuild();
    render(figure, path, format, logical, size, shownTitle, overwrite);
}

QStringList exportAllHeads(const std::shared_ptr<const AttentionSet>& set,
                           const FigureOptions& options, const QString& folder, ImageFormat format,
                           const ImageSize& size, Overwrite overwrite,
                           const std::function<bool(int, int)>& progress) {
    if (set == nullptr)
        throw Error(quoted(folder) + ": nothing to export (no attention computed yet)");
    if (!QDir().mkpath(folder))
        throw Error(quoted(folder) + ": cannot create the folder");
    const QDir dir(folder);
    QStringList paths;
    QStringList existing;
    for (int l = 0; l < set->layers(); ++l) {
        for (int h = 0; h < set->heads(); ++h) {
            const QString name = headFileName(l, h, imageSuffix(format));
            paths.append(dir.filePath(name));
            if (QFileInfo::exists(paths.back()))
                existing.append(name);
        }
    }
    if (overwrite == Overwrite::Refuse && !existing.isEmpty()) {
        QString list = existing.mid(0, 3).join(QStringLiteral(", "));
        if (existing.size() > 3)
            list += QStringLiteral(", … (%1 in all)").arg(existing.size());
        throw Error(quoted(folder) + ": " + list.toStdString() +
                    (existing.size() == 1 ? " exists" : " exist") +
                    "; nothing was written (choose another folder or allow replacing)");
    }

    AttentionPlot figure;
    figure.setOptions(options);
    figure.setFigure(headFigure(*set, 0, 0, options.hideSpecial));
    const QSize logical = resolveSize(size, figure.naturalSize(), folder);
    figure.resize(logical);
    figure.setViewport(QRect(QPoint(0, 0), logical));

    QStringList written;
    const int total = int(paths.size());
    if (progress && !progress(0, total))
        return written;
    for (int l = 0; l < set->layers(); ++l) {
        for (int h = 0; h < set->heads(); ++h) {
            const QString& path = paths[l * set->heads() + h];
            figure.setFigure(headFigure(*set, l, h, options.hideSpecial));
            // The head's own title, without the sentence: a folder of images names the text once.
            QString title =
                (set->source.isEmpty()
                     ? QCoreApplication::translate("attnscope::FigureExport", "attention")
                     : displaySource(*set)) +
                QCoreApplication::translate("attnscope::FigureExport", " — layer %1, head %2")
                    .arg(l)
                    .arg(h);
            figure.setTitle(title);
            render(figure, path, format, logical, size, title, overwrite);
            written.append(path);
            if (progress && !progress(int(written.size()), total))
                return written;
        }
    }
    return written;
}

void exportNpy(const AttentionSet& set, const QString& path, Overwrite overwrite) {
    checkTarget(path, overwrite);
    npy::write(path.toStdString(), set.attentions);
}

void exportData(const AttentionSet& set, int layer, int head, bool hideSpecial, const QString& path,
                Overwrite overwrite) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("npy"))
        exportNpy(set, path, overwrite);
    else if (suffix == QLatin1String("csv"))
        exportCsv(set, layer, head, hideSpecial, path, overwrite);
    else if (suffix == QLatin1String("json"))
        exportJson(set, path, overwrite);
    else
        throw Error(
            quoted(path) + ": unknown data format " +
            (suffix.isEmpty() ? std::string("(no suffix)") : "'." + suffix.toStdString() + "'") +
            "; expected .npy, .csv or .json");
}

void exportCsv(const AttentionSet& set, int layer, int head, bool hideSpecial, const QString& path,
               Overwrite overwrite) {
    // The head as the window draws it (headPanel checks layer and head, naming the range).
    const PanelSpec panel = headPanel(set, layer, head, hideSpecial);
    const PanelMatrix& matrix = *panel.matrix;
    writeAtomically(path, overwrite, [&](QSaveFile& file) {
        ChunkedWriter out(file);
        out.append(csvField(QStringLiteral("query\\key")));
        for (const QString& label : panel.columnLabels) {
            out.append(",");
            out.append(csvField(label));
        }
        out.append("\r\n");
        for (int r = 0; r < matrix.rows; ++r) {
            out.append(csvField(panel.rowLabels[r]));
            for (int c = 0; c < matrix.columns; ++c) {
                out.append(",");
                out.append(number(matrix.at(r, c)));
            }
            out.append("\r\n");
        }
    });
}

void exportJson(const AttentionSet& set, const QString& path, Overwrite overwrite) {
    writeAtomically(path, overwrite, [&](QSaveFile& file) {
        ChunkedWriter out(file);
        out.append("{\"source\":" + jsonString(set.source) + ",\"text\":" + jsonString(set.text) +
                   ",\"tokens\":[");
        for (int i = 0; i < set.tokens.size(); ++i)
            out.append((i > 0 ? "," : "") + jsonString(set.tokens[i]));
        out.append("],\"special\":[");
        for (int i = 0; i < set.seq(); ++i) {
            const bool special = std::size_t(i) < set.special.size() && set.special[std::size_t(i)];
            out.append(i > 0 ? (special ? ",true" : ",false") : (special ? "true" : "false"));
        }
        out.append("],\"layers\":" + QByteArray::number(set.layers()) +
                   ",\"heads\":" + QByteArray::number(set.heads()) + ",\"attentions\":[");
        const int s = set.seq();
        const float* values = set.attentions.data();
        for (int l = 0; l < set.layers(); ++l) {
            out.append(l > 0 ? ",[" : "[");
            for (int h = 0; h < set.heads(); ++h) {
                out.append(h > 0 ? ",[" : "[");
                for (int q = 0; q < s; ++q) {
                    out.append(q > 0 ? ",[" : "[");
                    for (int k = 0; k < s; ++k) {
                        if (k > 0)
                            out.append(",");
                        out.append(jsonNumber(*values++));
                    }
                    out.append("]");
                }
                out.append("]");
            }
            out.append("]");
        }
        out.append("]}\n");
    });
}

} // namespace attnscope
