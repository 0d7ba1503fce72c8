"""X-CLIP cross-frame communication: one message token per frame."""
from typing import Optional

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from open_clip.transformer import LayerNorm


@MODELS.register_module()
class CrossFrameMessage(nn.Module):
    """Message tokens exchanged across the frames of a clip inside one CLIP
    vision block (X-CLIP's cross-frame communication transformer).

    Every frame's class token is projected to a message; the T messages of a
    clip attend to each other (message attention); each frame then runs the
    CLIP block with its message appended as an extra token, so its patches
    read the other frames through it. The message output is dropped: the
    block's MLP is per token, so running it on the message too leaves the
    frame tokens exactly as X-CLIP computes them.

    Args:
        width (int): Width W of the vision transformer.
        num_heads (int, optional): Heads of the message attention. Defaults
            to ``width // 64``, the CLIP heads (X-CLIP's choice).
    """

    def __init__(self, width: int, num_heads: Optional[int] = None) -> None:
        super().__init__()
        self.message_fc = nn.Linear(width, width)
        self.message_ln = LayerNorm(width)
        self.message_attn = nn.MultiheadAttention(
            width, num_heads or max(1, width // 64), batch_first=True)
        for linear in (self.message_fc, self.message_attn.out_proj):
            nn.init.trunc_normal_(linear.weight, std=0.02)
            nn.init.zeros_(linear.bias)

    def messages(self, x: torch.Tensor, num_frames: int) -> torch.Tensor:
        """Messages of every frame after the message attention.

        Args:
            x (Tensor): ``[N*T, L, W]`` tokens, class token first.
            num_frames (int): T.

        Returns:
            Tensor: ``[N*T, 1, W]``.
        """
        nt, _, width = x.shape
        if nt % num_frames:
            raise ValueError(f'CrossFrameMessage: {nt} frames are not a '
                             f'multiple of num_frames={num_frames}')
        msg = self.message_fc(x[:, 0]).view(-1, num_frames, width)
        normed = self.message_ln(msg)
        msg = msg + self.message_attn(
            normed, normed, normed, need_weights=False)[0]
        return msg.reshape(nt, 1, width)

    def forward(self, block: nn.Module, x: torch.Tensor,
                num_frames: int) -> torch.Tensor:
        """Run ``block`` on the frame tokens plus their message.

        Args:
            block (nn.Module): An open_clip vision block.
            x (Tensor): ``[N*T, L, W]`` tokens of T-frame clips.
            num_frames (int): T.

        Returns:
            Tensor: ``[N*T, L, W]``.
        """
        length = x.shape[1]
        x = block(torch.cat([x, self.messages(x, num_frames)], dim=1))
        return x[:, :length]
