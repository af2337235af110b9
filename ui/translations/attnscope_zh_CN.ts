<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>attnscope::AttentionPanels</name>
    <message>
        <source>random</source>
        <translation>随机</translation>
    </message>
</context>
<context>
    <name>attnscope::AttentionPlot</name>
    <message>
        <source>weight (log scale)</source>
        <translation>权重（对数刻度）</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>L%1 H%2</source>
        <translation>L%1 H%2</translation>
    </message>
    <message>
        <source>head max</source>
        <translation>头内最大值</translation>
    </message>
    <message>
        <source>weight, each head its own range (log)</source>
        <translation>权重，各头独立范围（对数）</translation>
    </message>
    <message>
        <source>weight, each head its own range</source>
        <translation>权重，各头独立范围</translation>
    </message>
    <message>
        <source>score, each map its own range</source>
        <translation>分数，每张图各自的范围</translation>
    </message>
    <message>
        <source>score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>difference, each map its own range</source>
        <translation>差值，每张图各自的范围</translation>
    </message>
    <message>
        <source>difference</source>
        <translation>差值</translation>
    </message>
    <message>
        <source>value, each map its own range</source>
        <translation>数值，每张图各自的范围</translation>
    </message>
    <message>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>min</source>
        <translation>最小值</translation>
    </message>
    <message>
        <source>%1 ≤%2</source>
        <translation>%1 ≤%2</translation>
    </message>
    <message>
        <source>%1 · max %2</source>
        <translation>%1 · 最大 %2</translation>
    </message>
</context>
<context>
    <name>attnscope::ComputeStatus</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Computing… %1 s</source>
        <translation>计算中… %1 秒</translation>
    </message>
    <message>
        <source>no result yet</source>
        <translation>暂无结果</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s)</source>
        <translation>
            <numerusform>%n 个词元</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n layer(s)</source>
        <translation>
            <numerusform>%n 层</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n head(s)</source>
        <translation>
            <numerusform>%n 头</numerusform>
        </translation>
    </message>
    <message>
        <source>computed in %1 ms</source>
        <translation>计算耗时 %1 ms</translation>
    </message>
    <message numerus="yes">
        <source>%n thread(s)</source>
        <translation>
            <numerusform>%n 个线程</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>attnscope::ExportActions</name>
    <message>
        <source>PNG image (*.png);;SVG vector image (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Export &amp;Head Image…</source>
        <translation>导出注意力头图像(&amp;H)…</translation>
    </message>
    <message>
        <source>Export the selected head as PNG, SVG or PDF</source>
        <translation>将选中的注意力头导出为 PNG、SVG 或 PDF</translation>
    </message>
    <message>
        <source>Export Head</source>
        <translation>导出头</translation>
    </message>
    <message>
        <source>Export head image</source>
        <translation>导出注意力头图像</translation>
    </message>
    <message>
        <source>Export &amp;Grid Image…</source>
        <translation>导出网格图像(&amp;G)…</translation>
    </message>
    <message>
        <source>Export Grid</source>
        <translation>导出网格</translation>
    </message>
    <message>
        <source>Export grid image</source>
        <translation>导出网格图像</translation>
    </message>
    <message>
        <source>Export &amp;All Heads to Folder…</source>
        <translation>导出所有注意力头到文件夹(&amp;A)…</translation>
    </message>
    <message>
        <source>Export All Heads</source>
        <translation>导出全部头</translation>
    </message>
    <message>
        <source>Export Weights as .&amp;npy…</source>
        <translation>导出权重为 .npy(&amp;N)…</translation>
    </message>
    <message>
        <source>Export Head as .&amp;csv…</source>
        <translation>导出注意力头为 .csv(&amp;C)…</translation>
    </message>
    <message>
        <source>Export Weights and Tokens as .&amp;json…</source>
        <translation>导出权重和词元为 .json(&amp;J)…</translation>
    </message>
    <message>
        <source>Exporting every head…</source>
        <translation>正在导出所有注意力头…</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>The file could not be written: %1</source>
        <translation>无法写入文件：%1</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>已写入 %1</translation>
    </message>
    <message>
        <source>Export every head into a folder</source>
        <translation>将所有注意力头导出到文件夹</translation>
    </message>
    <message>
        <source>Image format</source>
        <translation>图像格式</translation>
    </message>
    <message>
        <source>%1 images, one per head:</source>
        <translation>共 %1 张图像，每个头一张：</translation>
    </message>
    <message>
        <source>Replace files?</source>
        <translation>替换文件？</translation>
    </message>
    <message>
        <source>%1

Replace the existing files?</source>
        <translation>%1

要替换已有的文件吗？</translation>
    </message>
    <message numerus="yes">
        <source>Wrote %n file(s) to %1</source>
        <translation>
            <numerusform>已将 %n 个文件写入 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>NumPy array (*.npy)</source>
        <translation>NumPy 数组 (*.npy)</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>Export data</source>
        <translation>导出数据</translation>
    </message>
</context>
<context>
    <name>attnscope::FigureExport</name>
    <message>
        <source>attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source> — layer %1, head %2</source>
        <translation> — 第 %1 层，第 %2 头</translation>
    </message>
    <message>
        <source> — layer %1</source>
        <translation> — 第 %1 层</translation>
    </message>
    <message>
        <source> — all layers</source>
        <translation> — 所有层</translation>
    </message>
</context>
<context>
    <name>attnscope::FigureToolBar</name>
    <message>
        <source>Figure</source>
        <translation>图形</translation>
    </message>
    <message>
        <source>Viridis</source>
        <translation>Viridis</translation>
    </message>
    <message>
        <source>Magma</source>
        <translation>Magma</translation>
    </message>
    <message>
        <source>Grayscale</source>
        <translation>灰度</translation>
    </message>
    <message>
        <source>Diverging (around uniform)</source>
        <translation>发散（以均匀权重为中心）</translation>
    </message>
    <message>
        <source>Linear scale</source>
        <translation>线性刻度</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>对数刻度</translation>
    </message>
    <message>
        <source>Shared range</source>
        <translation>统一范围</translation>
    </message>
    <message>
        <source>Range per head</source>
        <translation>每头独立范围</translation>
    </message>
    <message>
        <source>Hide special tokens</source>
        <translation>隐藏特殊词元</translation>
    </message>
    <message>
        <source>Drop [CLS], [SEP] and the like from rows and columns and renormalise each row</source>
        <translation>从行和列中去掉 [CLS]、[SEP] 等特殊词元，并对每行重新归一化</translation>
    </message>
    <message>
        <source> Colours </source>
        <translation> 色图 </translation>
    </message>
</context>
<context>
    <name>attnscope::HeadsView</name>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>共 %1 层</translation>
    </message>
    <message>
        <source>Nothing computed yet.</source>
        <translation>尚未计算。</translation>
    </message>
    <message>
        <source>L%1 H%2  %3</source>
        <translation>L%1 H%2  %3</translation>
    </message>
    <message>
        <source>Pinned (L%1 H%2): %3</source>
        <translation>已固定（L%1 H%2）：%3</translation>
    </message>
    <message>
        <source>Pinned token is hidden (special token)</source>
        <translation>固定的词元已隐藏（特殊词元）</translation>
    </message>
    <message>
        <source>Hover over a cell for its exact weight; click to pin a query row and key column.</source>
        <translation>悬停在单元格上查看精确权重；单击固定查询行和键列。</translation>
    </message>
    <message>
        <source>%1 · layer %2, head %3</source>
        <translation>%1 · 第 %2 层，第 %3 头</translation>
    </message>
</context>
<context>
    <name>attnscope::ImageSizeDialog</name>
    <message>
        <source>Image size</source>
        <translation>图像尺寸</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source> dpi</source>
        <translation> dpi</translation>
    </message>
    <message>
        <source>Layout width</source>
        <translation>布局宽度</translation>
    </message>
    <message>
        <source>Layout height</source>
        <translation>布局高度</translation>
    </message>
    <message>
        <source>Resolution (PNG)</source>
        <translation>分辨率（PNG）</translation>
    </message>
    <message>
        <source>PNG of %1 × %2 pixels (%3 × %4 cm at %5 dpi)</source>
        <translation>PNG 图像 %1 × %2 像素（%5 dpi 时为 %3 × %4 厘米）</translation>
    </message>
    <message>
        <source>Vector image; text stays text.</source>
        <translation>矢量图像；文字保持为文本。</translation>
    </message>
</context>
<context>
    <name>attnscope::ImportPanel</name>
    <message>
        <source>attentions.npy or .safetensors</source>
        <translation>attentions.npy 或 .safetensors</translation>
    </message>
    <message>
        <source>tokens.json (a JSON list of strings)</source>
        <translation>tokens.json（字符串列表）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>Attention computed elsewhere, e.g. by a model too big for this machine: a .npy of shape [layers, heads, seq, seq] or [heads, seq, seq] with a tokens file, or a .safetensors file with one [heads, seq, seq] tensor per layer. The README shows the few lines of Python that write them.</source>
        <translation>在别处计算好的注意力，例如来自本机运行不了的大模型：形状为 [layers, heads, seq, seq] 或 [heads, seq, seq] 的 .npy 文件加一个词元文件，或每层一个 [heads, seq, seq] 张量的 .safetensors 文件。README 里有写出这些文件的几行 Python 代码。</translation>
    </message>
    <message>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Attention file</source>
        <translation>注意力文件</translation>
    </message>
    <message>
        <source>Attention (*.npy *.safetensors);;All files (*)</source>
        <translation>注意力 (*.npy *.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Tokens file</source>
        <translation>词元文件</translation>
    </message>
    <message>
        <source>JSON (*.json);;All files (*)</source>
        <translation>JSON 文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Choose an attention file (.npy or .safetensors).</source>
        <translation>请选择注意力文件（.npy 或 .safetensors）。</translation>
    </message>
    <message>
        <source>Import attention</source>
        <translation>导入注意力</translation>
    </message>
    <message>
        <source>Imported</source>
        <translation>导入</translation>
    </message>
</context>
<context>
    <name>attnscope::LinkFinder</name>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>head</source>
        <translation>头</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Query token</source>
        <translation>查询词元</translation>
    </message>
    <message>
        <source>Key token</source>
        <translation>键词元</translation>
    </message>
    <message>
        <source>Pick a query token and a key token.</source>
        <translation>请选择一个查询词元和一个键词元。</translation>
    </message>
    <message>
        <source>%1 → %2: strongest in layer %3, head %4 (%5)</source>
        <translation>%1 → %2：第 %3 层第 %4 头最强（%5）</translation>
    </message>
</context>
<context>
    <name>attnscope::MainWindow</name>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Link finder</source>
        <translation>关联查找</translation>
    </message>
    <message>
        <source>Computation cancelled; the last result stays on screen.</source>
        <translation>计算已取消；屏幕上保留上一次的结果。</translation>
    </message>
    <message>
        <source>&amp;Open Model Folder…</source>
        <translation>打开模型文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Import Attention…</source>
        <translation>导入注意力(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Stop Computation</source>
        <translation>停止计算(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Next Head</source>
        <translation>下一个头(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Previous Head</source>
        <translation>上一个头(&amp;P)</translation>
    </message>
    <message>
        <source>Next &amp;Layer</source>
        <translation>下一层(&amp;L)</translation>
    </message>
    <message>
        <source>P&amp;revious Layer</source>
        <translation>上一层(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Unpin Cell</source>
        <translation>取消固定(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;About attnscope</source>
        <translation>关于 attnscope(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统语言</translation>
    </message>
    <message>
        <source>&amp;Compute</source>
        <translation>计算(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Threads</source>
        <translation>线程(&amp;T)</translation>
    </message>
    <message>
        <source>All cores (%1)</source>
        <translation>全部核心（%1）</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Pin %1</source>
        <translation>固定 %1</translation>
    </message>
    <message>
        <source>none (random tensors or imported attention)</source>
        <translation>无（随机张量或导入的注意力）</translation>
    </message>
    <message>
        <source>About attnscope</source>
        <translation>关于 attnscope</translation>
    </message>
    <message>
        <source>&lt;h3&gt;attnscope %1&lt;/h3&gt;&lt;p&gt;See how transformer attention works: one heat map per head, computed natively on a multithreaded CPU engine.&lt;/p&gt;&lt;p&gt;Qt %2 (built with %3)&lt;br&gt;Eigen %4&lt;br&gt;oneTBB %5&lt;br&gt;QCustomPlot %6&lt;/p&gt;&lt;p&gt;Loaded model: %7&lt;/p&gt;</source>
        <translation>&lt;h3&gt;attnscope %1&lt;/h3&gt;&lt;p&gt;看清 Transformer 注意力如何工作：每个注意力头一张热力图，由多线程 CPU 引擎在本地计算。&lt;/p&gt;&lt;p&gt;Qt %2（编译时版本 %3）&lt;br&gt;Eigen %4&lt;br&gt;oneTBB %5&lt;br&gt;QCustomPlot %6&lt;/p&gt;&lt;p&gt;已加载的模型：%7&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The language changes when attnscope starts again. Restart now?</source>
        <translation>界面语言在 attnscope 重新启动后生效。现在重启吗？</translation>
    </message>
    <message>
        <source>The built-in model was not found; open a model folder or use random tensors.</source>
        <translation>未找到内置模型；请打开模型文件夹或使用随机张量。</translation>
    </message>
    <message>
        <source>Could not compute the attention: %1</source>
        <translation>无法计算注意力：%1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>注意：%1</translation>
    </message>
    <message>
        <source>%1 · %2 layers × %3 heads · hidden %4</source>
        <translation>%1 · %2 层 × %3 头 · 隐藏维度 %4</translation>
    </message>
</context>
<context>
    <name>attnscope::RandomPanel</name>
    <message>
        <source>Normal N(0, 1)</source>
        <translation>正态分布 N(0, 1)</translation>
    </message>
    <message>
        <source>Uniform, unit variance</source>
        <translation>均匀分布（单位方差）</translation>
    </message>
    <message>
        <source>Causal mask (no look-ahead)</source>
        <translation>因果掩码（不看后文）</translation>
    </message>
    <message>
        <source>Divides the scores before the softmax: above 1 flattens, below 1 sharpens.</source>
        <translation>在 softmax 之前用它除注意力分数：大于 1 使分布更平缓，小于 1 使其更尖锐。</translation>
    </message>
    <message>
        <source>Sequence length</source>
        <translation>序列长度</translation>
    </message>
    <message>
        <source>Embedding size</source>
        <translation>嵌入维度</translation>
    </message>
    <message>
        <source>Heads</source>
        <translation>头数</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Distribution</source>
        <translation>分布</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>%1 heads do not divide the embedding size %2 (each head gets embed / heads dimensions). Allowed head counts: %3.</source>
        <translation>头数 %1 不能整除嵌入维度 %2（每个头分得 嵌入维度 / 头数 个维度）。可用的头数：%3。</translation>
    </message>
    <message>
        <source>Random tensors</source>
        <translation>随机张量</translation>
    </message>
</context>
<context>
    <name>attnscope::SentencePanel</name>
    <message>
        <source>Type a sentence</source>
        <translation>输入一个句子</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Built-in: %1</source>
        <translation>内置：%1</translation>
    </message>
    <message>
        <source>HF cache: %1 (%2)</source>
        <translation>HF 缓存：%1（%2）</translation>
    </message>
    <message>
        <source>Only pytorch_model.bin: attnscope reads safetensors weights</source>
        <translation>只有 pytorch_model.bin：attnscope 只读取 safetensors 格式的权重</translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation>打开模型文件夹…</translation>
    </message>
    <message>
        <source>No model: choose a folder</source>
        <translation>无模型：请选择文件夹</translation>
    </message>
    <message>
        <source>Open a Hugging Face model folder</source>
        <translation>打开 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>No model chosen: open a model folder.</source>
        <translation>未选择模型：请打开模型文件夹。</translation>
    </message>
    <message>
        <source>The text is empty: type a sentence or pick an example.</source>
        <translation>文本为空：请输入一个句子或选择一个示例。</translation>
    </message>
    <message>
        <source>Pick an example sentence</source>
        <translation>选择示例句子</translation>
    </message>
    <message>
        <source>Sentence</source>
        <translation>句子</translation>
    </message>
    <message>
        <source>%1
The examples file could not be used: %2</source>
        <translation>%1
无法使用示例文件：%2</translation>
    </message>
</context>
</TS>
