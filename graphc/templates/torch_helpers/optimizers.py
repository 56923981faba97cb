"""Keras-exact optimizers for generated PyTorch modules, included when used.

torch.optim's RMSprop and Adam place epsilon differently from Keras and have other
defaults; these classes repeat Keras 3's update_step formulas operation for
operation (float32 hyperparameters, weight decay applied before the update,
Keras's gradient clipping), so a model trains the same way in both frameworks.
"""

import numpy as np
import torch


# %% helper: KerasOptimizer
class KerasOptimizer(torch.optim.Optimizer):
    """Base class: Keras's gradient clipping and decoupled weight decay
    (`p -= p * weight_decay * lr`, before the update), then `update` per tensor."""

    def __init__(
        self,
        params,
        defaults,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
    ):
        defaults = {
            **defaults,
            "weight_decay": weight_decay,
            "clipnorm": clipnorm,
            "clipvalue": clipvalue,
            "global_clipnorm": global_clipnorm,
        }
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            grads, scales = self._clip([p.grad for p in params], group)
            lr = np.float32(group["lr"])
            wd = group["weight_decay"]
            for p, g, scale in zip(params, grads, scales):
                # squared gradients summed per token occurrence (KerasEmbedding)
                sq = getattr(p, "keras_sq_grad", None)
                if sq is not None:
                    del p.keras_sq_grad
                    if scale is not None:
                        sq = sq * (scale * scale)
                if wd:
                    p.sub_(p * float(np.float32(wd) * lr))
                self.update(p, g.to(p.dtype), sq, self.state[p], group, float(lr))
        return loss

    def _clip(self, grads, group):
        """Keras's _clip_gradients; also the factors applied to each gradient."""
        none = [None] * len(grads)
        if group["clipnorm"]:
            c = group["clipnorm"]
            norms = [torch.linalg.vector_norm(g) for g in grads]
            scales = [c / torch.clamp_min(n, c) for n in norms]
            return [g * s for g, s in zip(grads, scales)], scales
        if group["global_clipnorm"] and grads:
            c = group["global_clipnorm"]
            norms = torch.stack([torch.linalg.vector_norm(g) for g in grads])
            norm = torch.linalg.vector_norm(norms)
            scale = c * torch.clamp_max(1.0 / norm, 1.0 / c)
            return [g * scale for g in grads], [scale] * len(grads)
        if group["clipvalue"]:
            v = group["clipvalue"]
            return [g.clamp(-v, v) for g in grads], none
        return grads, none

    def update(self, p, g, sq, state, group, lr):
        raise NotImplementedError


# %% helper: KerasSGD
class KerasSGD(KerasOptimizer):
    """keras.optimizers.SGD: `v = momentum * v - lr * g; p += v` (Nesterov:
    `p += momentum * v - lr * g`)."""

    def __init__(self, params, lr=0.01, momentum=0.0, nesterov=False, **kwargs):
        hyper = {"lr": lr, "momentum": momentum, "nesterov": nesterov}
        super().__init__(params, hyper, **kwargs)

    def update(self, p, g, sq, state, group, lr):
        momentum = group["momentum"]
        if not momentum:
            p.sub_(g * lr)
            return
        if not state:
            state["momentum"] = torch.zeros_like(p)
        m = state["momentum"]
        m.copy_(m * momentum - g * lr)
        if group["nesterov"]:
            p.add_(m * momentum - g * lr)
        else:
            p.add_(m)


# %% helper: KerasRMSprop
class KerasRMSprop(KerasOptimizer):
    """keras.optimizers.RMSprop: `v = rho * v + (1 - rho) * g^2;
    p -= lr * g / sqrt(v + epsilon)` (epsilon inside the root, unlike torch)."""

    def __init__(
        self,
        params,
        lr=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-07,
        centered=False,
        **kwargs,
    ):
        hyper = {"lr": lr, "rho": rho, "momentum": momentum, "epsilon": epsilon}
        hyper["centered"] = centered
        super().__init__(params, hyper, **kwargs)

    def update(self, p, g, sq, state, group, lr):
        rho, momentum = group["rho"], group["momentum"]
        if not state:
            state["velocity"] = torch.zeros_like(p)
            if momentum > 0:
                state["momentum"] = torch.zeros_like(p)
            if group["centered"]:
                state["average_gradient"] = torch.zeros_like(p)
        v = state["velocity"]
        v.copy_(rho * v + (1 - rho) * (g * g if sq is None else sq))
        if group["centered"]:
            a = state["average_gradient"]
            a.copy_(rho * a + (1 - rho) * g)
            denominator = v - a * a + group["epsilon"]
        else:
            denominator = v + group["epsilon"]
        increment = lr * g / torch.sqrt(denominator)
        if momentum > 0:
            m = state["momentum"]
            m.copy_(momentum * m + increment)
            p.sub_(m)
        else:
            p.sub_(increment)


# %% helper: KerasAdam
class KerasAdam(KerasOptimizer):
    """keras.optimizers.Adam, and AdamW with weight_decay:
    `alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t);
    p -= alpha * m / (sqrt(v) + epsilon)` (epsilon on the uncorrected root)."""

    def __init__(
        self,
        params,
        lr=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-07,
        amsgrad=False,
        **kwargs,
    ):
        hyper = {"lr": lr, "beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
        hyper["amsgrad"] = amsgrad
        super().__init__(params, hyper, **kwargs)

    def update(self, p, g, sq, state, group, lr):
        beta_1, beta_2 = group["beta_1"], group["beta_2"]
        if not state:
            state["step"] = 0
            state["m"] = torch.zeros_like(p)
            state["v"] = torch.zeros_like(p)
            if group["amsgrad"]:
                state["v_hat"] = torch.zeros_like(p)
        state["step"] += 1
        t = np.float32(state["step"])
        one = np.float32(1.0)
        b1_power = np.float32(beta_1) ** t
        b2_power = np.float32(beta_2) ** t
        alpha = float(np.float32(lr) * np.sqrt(one - b2_power) / (one - b1_power))
        m, v = state["m"], state["v"]
        m.add_((g - m) * (1 - beta_1))
        v.add_(((g * g if sq is None else sq) - v) * (1 - beta_2))
        if group["amsgrad"]:
            v = torch.maximum(state["v_hat"], v, out=state["v_hat"])
        p.sub_((m * alpha) / (torch.sqrt(v) + group["epsilon"]))


# %% helper: KerasAdagrad
class KerasAdagrad(KerasOptimizer):
    """keras.optimizers.Adagrad: `acc += g^2; p -= lr * g / sqrt(acc + epsilon)`."""

    def __init__(
        self,
        params,
        lr=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-07,
        **kwargs,
    ):
        hyper = {"lr": lr, "epsilon": epsilon}
        hyper["initial_accumulator_value"] = initial_accumulator_value
        super().__init__(params, hyper, **kwargs)

    def update(self, p, g, sq, state, group, lr):
        if not state:
            init = group["initial_accumulator_value"]
            state["accumulator"] = torch.full_like(p, init)
        acc = state["accumulator"]
        acc.add_(g * g if sq is None else sq)
        p.sub_(lr * g / torch.sqrt(acc + group["epsilon"]))


# %% helper: KerasAdamax
class KerasAdamax(KerasOptimizer):
    """keras.optimizers.Adamax."""

    def __init__(
        self,
        params,
        lr=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-07,
        **kwargs,
    ):
        hyper = {"lr": lr, "beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
        super().__init__(params, hyper, **kwargs)

    def update(self, p, g, sq, state, group, lr):
        beta_1, beta_2 = group["beta_1"], group["beta_2"]
        if not state:
            state["step"] = 0
            state["m"] = torch.zeros_like(p)
            state["u"] = torch.zeros_like(p)
        state["step"] += 1
        b1_power = float(np.float32(beta_1) ** np.float32(state["step"]))
        m, u = state["m"], state["u"]
        m.add_((g - m) * (1 - beta_1))
        u.copy_(torch.maximum(beta_2 * u, g.abs()))
        p.sub_(lr * m / ((1 - b1_power) * (u + group["epsilon"])))


# %% helper: KerasNadam
class KerasNadam(KerasOptimizer):
    """keras.optimizers.Nadam (momentum schedule with decay 0.96)."""

    def __init__(
        self,
        params,
        lr=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-07,
        **kwargs,
    ):
        hyper = {"lr": lr, "beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
        super().__init__(params, hyper, **kwargs)

    def update(self, p, g, sq, state, group, lr):
        f32 = np.float32
        beta_1, beta_2 = f32(group["beta_1"]), f32(group["beta_2"])
        if not state:
            state["step"] = 0
            state["u_product"] = f32(1.0)
            state["m"] = torch.zeros_like(p)
            state["v"] = torch.zeros_like(p)
        state["step"] += 1
        t = f32(state["step"])
        u_t = beta_1 * (f32(1.0) - f32(0.5) * f32(0.96) ** t)
        u_t_1 = beta_1 * (f32(1.0) - f32(0.5) * f32(0.96) ** (t + 1))
        u_product = state["u_product"] = state["u_product"] * u_t
        u_product_1 = u_product * u_t_1
        m, v = state["m"], state["v"]
        m.add_((g - m) * (1 - group["beta_1"]))
        v.add_(((g * g if sq is None else sq) - v) * (1 - group["beta_2"]))
        m_hat = float(u_t_1) * m / float(1 - u_product_1)
        m_hat = m_hat + float(1 - u_t) * g / float(1 - u_product)
        v_hat = v / float(1 - beta_2**t)
        p.sub_(m_hat * lr / (torch.sqrt(v_hat) + group["epsilon"]))


# %% helper: KerasAdadelta
class KerasAdadelta(KerasOptimizer):
    """keras.optimizers.Adadelta."""

    def __init__(self, params, lr=0.001, rho=0.95, epsilon=1e-07, **kwargs):
        hyper = {"lr": lr, "rho": rho, "epsilon": epsilon}
        super().__init__(params, hyper, **kwargs)

    def update(self, p, g, sq, state, group, lr):
        rho, eps = group["rho"], group["epsilon"]
        if not state:
            state["accumulated_grad"] = torch.zeros_like(p)
            state["accumulated_delta"] = torch.zeros_like(p)
        acc_g, acc_d = state["accumulated_grad"], state["accumulated_delta"]
        acc_g.copy_(rho * acc_g + (1 - rho) * (g * g if sq is None else sq))
        delta = -(torch.sqrt(acc_d + eps) * g) / torch.sqrt(acc_g + eps)
        acc_d.copy_(rho * acc_d + (1 - rho) * delta * delta)
        p.add_(lr * delta)
