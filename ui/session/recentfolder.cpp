#include "ui/session/recentfolder.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace attnscope {

QString lastFolder() {
    const QString folder = QSettings().value(QStringLiteral("paths/lastFolder")).toString();
    return !folder.isEmpty() && QFileInfo(folder).isDir() ? folder : QDir::homePath();
}

void rememberFolder(const QString& path) {
    const QFileInfo info(path);
    QSettings().setValue(QStringLiteral("paths/lastFolder"),
                         info.isDir() ? info.absoluteFilePath() : info.absolutePath());
}

} // namespace attnscope
