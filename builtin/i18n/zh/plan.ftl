# 方案原文：引文块和全文页面。
plan-place-measure = 方案第{ $number }项
plan-place-preamble = 方案前言
plan-place-part-1 = 方案第一部分
plan-place-part-3 = 方案第三部分
plan-place-other = 方案原文
plan-place-sentence = { $place }第{ $first }句
plan-place-sentences = { $place }第{ $first }至{ $last }句
plan-unofficial = 译文为本指南自译，非官方译本。
plan-clause-title = 方案原文
plan-original = 原文
plan-translation = 译文（非官方）
plan-self-link = 本段链接：{ $id }
