"""PopAlign Studio's managed trainer for real text-to-image models (issue 14).

Modules: tiny_models (test-sized SD models in the diffusers layout), losses (the studio's
objectives, in the same arithmetic as src-main/core/engine/losses), data (snapshot exports),
train (the Accelerate training loop with a JSON-lines progress stream), probe (environment report),
sample (images from a fine-tune with PopAlignSDXL sidecars, for the studio's import and audit), toy
(a separable toy preference as a PopAlignSDXL CSV).
"""
