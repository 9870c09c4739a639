# 菜单按钮、打印版的界面文字（中文）。每个键在三种语言中都有。
nav-menu-button = 菜单
print-link = 打印或保存为 PDF
print-title = 打印版
print-contents = 目录
print-button = 打印或保存为 PDF
print-hint = 如需保存 PDF，请在打印对话框的“打印机”一栏中选择“另存为 PDF”。
print-chapter-address = 网页版：
