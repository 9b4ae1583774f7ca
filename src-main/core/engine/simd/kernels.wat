;; Element-wise loops of the training and sampling steps as WebAssembly SIMD.
;;
;; Each kernel does exactly the arithmetic of a plain TypeScript loop (engine/onnx-train/adam.ts,
;; engine/diffusion/steps.ts), operation for operation, so its results are bit for bit that loop's,
;; which stays as the fallback and the reference. Adam and the average work in float32, four lanes at
;; a time (the loop rounds every operation with Math.fround: for +, -, *, / and sqrt on float32 values,
;; computing in float64 and rounding once gives the float32 result). The sampling steps work in float64
;; pairs, as the sampler always has, and round on store. What the kernels remove is the scalar loop's
;; cost: V8 runs those loops one element at a time and the clip of x0 as an unpredictable branch. No
;; fused multiply-add is used (wasm has none outside relaxed SIMD), so each operation rounds on its own.
;; Loads and stores are written out in place (a helper function per load cost a call per element).
;;
;; Arrays are byte offsets into the imported memory (offset 0 means "no array"); `n` counts floats and
;; the caller rounds it up to a multiple of four (Adam, average) or two (steps), padding the arrays.
;; Assembled by scripts/build-simd.mjs into kernels-wasm.ts.
(module
  (import "env" "memory" (memory 1))

  ;; Adam, per element (adam.ts ArrayAdam.apply), in float32 like the parameters, four lanes at a time:
  ;;   m = m*beta1 + g*c1;  v = v*beta2 + (g*g)*c2;  p = p - (alpha*m) / (sqrt(v) + epsHat)
  ;; every operation rounded to float32 (the loop does the same with Math.fround), constants given as
  ;; float32 values.
  (func (export "adam")
    (param $p i32) (param $m i32) (param $v i32) (param $g i32) (param $n i32)
    (param $beta1 f32) (param $beta2 f32) (param $c1 f32) (param $c2 f32) (param $alpha f32) (param $epsHat f32)
    (local $end i32) (local $b1 v128) (local $b2 v128) (local $k1 v128) (local $k2 v128) (local $a v128) (local $e v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $k1 (f32x4.splat (local.get $c1)))
    (local.set $k2 (f32x4.splat (local.get $c2)))
    (local.set $a (f32x4.splat (local.get $alpha)))
    (local.set $e (f32x4.splat (local.get $epsHat)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $gv (v128.load (local.get $g)))
        (local.set $mv (f32x4.add (f32x4.mul (v128.load (local.get $m)) (local.get $b1)) (f32x4.mul (local.get $gv) (local.get $k1))))
        (local.set $vv (f32x4.add (f32x4.mul (v128.load (local.get $v)) (local.get $b2))
                                  (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $k2))))
        (v128.store (local.get $m) (local.get $mv))
        (v128.store (local.get $v) (local.get $vv))
        (v128.store (local.get $p)
          (f32x4.sub (v128.load (local.get $p))
                     (f32x4.div (f32x4.mul (local.get $a) (local.get $mv))
                                (f32x4.add (f32x4.sqrt (local.get $vv)) (local.get $e)))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $next))))

  ;; Weight averaging (onnx-train/trainer.ts): avg = avg*d + p*(1 - d) in float32, 1 - d passed in.
  (func (export "average")
    (param $avg i32) (param $p i32) (param $n i32) (param $d f32) (param $oneMinusD f32)
    (local $end i32) (local $dv v128) (local $ov v128)
    (local.set $end (i32.add (local.get $avg) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $dv (f32x4.splat (local.get $d)))
    (local.set $ov (f32x4.splat (local.get $oneMinusD)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $avg) (local.get $end)))
        (v128.store (local.get $avg)
          (f32x4.add (f32x4.mul (v128.load (local.get $avg)) (local.get $dv))
                     (f32x4.mul (v128.load (local.get $p)) (local.get $ov))))
        (local.set $avg (i32.add (local.get $avg) (i32.const 16)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next))))

  ;; Gradient accumulation (adam.ts ArrayAdam.addPartialGradients): dst = dst + src in float32, four
  ;; lanes at a time, for a training step run as several micro-batches.
  (func (export "accumulate")
    (param $dst i32) (param $src i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $next))))

  ;; DDIM step (steps.ts ddimStep): x0 = (xt - s1a*eps) / sa; with $clip, x0 is clipped to [-1, 1] and,
  ;; where that moved it, eps is recomputed as (xt - sa*x0) / s1a; out = saPrev*x0 + dirCoef*eps, plus
  ;; sigma*noise when a noise array is given.
  (func (export "ddim")
    (param $xt i32) (param $eps i32) (param $noise i32) (param $out i32) (param $n i32) (param $clip i32)
    (param $sa f64) (param $s1a f64) (param $saPrev f64) (param $dirCoef f64) (param $sigma f64)
    (local $end i32) (local $vsa v128) (local $vs1a v128) (local $vprev v128) (local $vdir v128) (local $vsig v128)
    (local $lo v128) (local $hi v128) (local $x v128) (local $e v128) (local $x0 v128) (local $c v128) (local $mean v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vsa (f64x2.splat (local.get $sa)))
    (local.set $vs1a (f64x2.splat (local.get $s1a)))
    (local.set $vprev (f64x2.splat (local.get $saPrev)))
    (local.set $vdir (f64x2.splat (local.get $dirCoef)))
    (local.set $vsig (f64x2.splat (local.get $sigma)))
    (local.set $lo (f64x2.splat (f64.const -1)))
    (local.set $hi (f64x2.splat (f64.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $xt))))
        (local.set $e (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $eps))))
        (local.set $x0 (f64x2.div (f64x2.sub (local.get $x) (f64x2.mul (local.get $vs1a) (local.get $e))) (local.get $vsa)))
        (if (local.get $clip)
          (then
            ;; v < -1 ? -1 : v > 1 ? 1 : v, NaN passing through, as steps.ts clip() does.
            (local.set $c (f64x2.min (f64x2.max (local.get $x0) (local.get $lo)) (local.get $hi)))
            (local.set $e (v128.bitselect
              (local.get $e)
              (f64x2.div (f64x2.sub (local.get $x) (f64x2.mul (local.get $vsa) (local.get $c))) (local.get $vs1a))
              (f64x2.eq (local.get $c) (local.get $x0))))
            (local.set $x0 (local.get $c))))
        (local.set $mean (f64x2.add (f64x2.mul (local.get $vprev) (local.get $x0)) (f64x2.mul (local.get $vdir) (local.get $e))))
        (if (local.get $noise)
          (then
            (local.set $mean (f64x2.add (local.get $mean) (f64x2.mul (local.get $vsig) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $noise))))))
            (local.set $noise (i32.add (local.get $noise) (i32.const 8)))))
        (v128.store64_lane 0 (local.get $out) (f32x4.demote_f64x2_zero (local.get $mean)))
        (local.set $xt (i32.add (local.get $xt) (i32.const 8)))
        (local.set $eps (i32.add (local.get $eps) (i32.const 8)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (br $next))))

  ;; DDPM step (steps.ts ddpmStep): x0 = clip((xt - s1a*eps) / sa); out = c1*x0 + c2*xt (+ std*noise).
  (func (export "ddpm")
    (param $xt i32) (param $eps i32) (param $noise i32) (param $out i32) (param $n i32) (param $clip i32)
    (param $sa f64) (param $s1a f64) (param $c1 f64) (param $c2 f64) (param $std f64)
    (local $end i32) (local $vsa v128) (local $vs1a v128) (local $vc1 v128) (local $vc2 v128) (local $vstd v128)
    (local $lo v128) (local $hi v128) (local $x v128) (local $x0 v128) (local $mean v128)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vsa (f64x2.splat (local.get $sa)))
    (local.set $vs1a (f64x2.splat (local.get $s1a)))
    (local.set $vc1 (f64x2.splat (local.get $c1)))
    (local.set $vc2 (f64x2.splat (local.get $c2)))
    (local.set $vstd (f64x2.splat (local.get $std)))
    (local.set $lo (f64x2.splat (f64.const -1)))
    (local.set $hi (f64x2.splat (f64.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $xt))))
        (local.set $x0 (f64x2.div (f64x2.sub (local.get $x) (f64x2.mul (local.get $vs1a) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $eps))))) (local.get $vsa)))
        (if (local.get $clip)
          (then (local.set $x0 (f64x2.min (f64x2.max (local.get $x0) (local.get $lo)) (local.get $hi)))))
        (local.set $mean (f64x2.add (f64x2.mul (local.get $vc1) (local.get $x0)) (f64x2.mul (local.get $vc2) (local.get $x))))
        (if (local.get $noise)
          (then
            (local.set $mean (f64x2.add (local.get $mean) (f64x2.mul (local.get $vstd) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $noise))))))
            (local.set $noise (i32.add (local.get $noise) (i32.const 8)))))
        (v128.store64_lane 0 (local.get $out) (f32x4.demote_f64x2_zero (local.get $mean)))
        (local.set $xt (i32.add (local.get $xt) (i32.const 8)))
        (local.set $eps (i32.add (local.get $eps) (i32.const 8)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (br $next))))
)
