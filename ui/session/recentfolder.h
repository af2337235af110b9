#pragma once

#include <QString>

namespace attnscope {

/** The folder of the last file opened or exported (QSettings "paths/lastFolder"), or home. */
QString lastFolder();
/** Remembers the folder of `path` (a file or a folder) for the next file dialog. */
void rememberFolder(const QString& path);

} // namespace attnscope
