# Слова самого плана: цитаты и страница с полным текстом.
plan-place-measure = Мера { $number } плана
plan-place-preamble = Преамбула плана
plan-place-part-1 = Раздел I плана
plan-place-part-3 = Раздел III плана
plan-place-other = План
plan-place-sentence = { $place }, предложение { $first }
plan-place-sentences = { $place }, предложения { $first }–{ $last }
plan-unofficial = Неофициальный перевод, выполненный составителями путеводителя.
plan-clause-title = Что говорит план
plan-original = Оригинал (на китайском языке)
plan-translation = Перевод (неофициальный)
plan-self-link = Ссылка на абзац { $id }
