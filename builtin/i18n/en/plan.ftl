# The plan's own words: quotation blocks and the full-text page.
plan-place-measure = Measure { $number } of the plan
plan-place-preamble = The plan's preamble
plan-place-part-1 = Part I of the plan
plan-place-part-3 = Part III of the plan
plan-place-other = The plan
plan-place-sentence = { $place }, sentence { $first }
plan-place-sentences = { $place }, sentences { $first }–{ $last }
plan-unofficial = Translation: this guide's own, not official.
plan-clause-title = What the plan says
plan-original = Original (Chinese)
plan-translation = Translation (unofficial)
plan-self-link = Link to paragraph { $id }
