//! What `serve` reuses from one build to the next.

#[cfg(test)]
mod tests;
