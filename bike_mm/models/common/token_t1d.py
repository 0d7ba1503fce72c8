"""Text4Vis TokenT1D: temporal 1D convolution of the class tokens."""
import torch
import torch.nn as nn
from mmaction.registry import MODELS
from open_clip.transformer import ResidualAttentionBlock


@MODELS.register_module()
class TokenT1D(nn.Module):
    """Channel-wise temporal 1D convolution over the [class] tokens of the
    frames of a clip, inside one CLIP vision block (Text4Vis Table 8).

    Only the class token, which aggregates the frame's patches, is mixed
    over time; patch tokens keep CLIP's per-frame form. As in the released
    Text4Vis code the convolution is applied before the block's attention and
    again before its MLP.

    Args:
        width (int): Width W of the vision transformer.
        init (str): ``'shift'`` starts as a temporal shift, the released
            code's and TSM/TEINet's initialisation: ``W // shift_div``
            channels read the next frame, as many the previous one, the rest
            themselves. ``'identity'`` starts as CLIP itself. Defaults to
            ``'shift'``.
        shift_div (int): Channel fraction per shift direction. Defaults to 4.
    """

    def __init__(self,
                 width: int,
                 init: str = 'shift',
                 shift_div: int = 4) -> None:
        super().__init__()
        self.conv = nn.Conv1d(
            width, width, kernel_size=3, padding=1, groups=width, bias=False)
        weight = torch.zeros_like(self.conv.weight)  # [W, 1, 3]: t-1, t, t+1
        if init == 'shift':
            fold = width // shift_div
            weight[:fold, 0, 2] = 1
            weight[fold:2 * fold, 0, 0] = 1
            weight[2 * fold:, 0, 1] = 1
        elif init == 'identity':
            weight[:, 0, 1] = 1
        else:
            raise ValueError(f'TokenT1D: init must be "shift" or "identity", '
                             f'got {init!r}')
        self.conv.weight.data.copy_(weight)

    def mix(self, x: torch.Tensor, num_frames: int) -> torch.Tensor:
        """Convolve the class tokens over time.

        Args:
            x (Tensor): ``[N*T, L, W]`` tokens, class token first.
            num_frames (int): T.

        Returns:
            Tensor: ``[N*T, L, W]``.
        """
        nt, _, width = x.shape
        if nt % num_frames:
            raise ValueError(f'TokenT1D: {nt} frames are not a multiple of '
                             f'num_frames={num_frames}')
        cls = x[:, 0].view(-1, num_frames, width).transpose(1, 2)
        cls = self.conv(cls).transpose(1, 2).reshape(nt, 1, width)
        return torch.cat([cls, x[:, 1:]], dim=1)

    def forward(self, block: nn.Module, x: torch.Tensor,
                num_frames: int) -> torch.Tensor:
        """Run ``block`` with the class tokens mixed before its attention and
        before its MLP.

        Args:
            block (ResidualAttentionBlock): An open_clip vision block.
            x (Tensor): ``[N*T, L, W]`` tokens of T-frame clips.
            num_frames (int): T.

        Returns:
            Tensor: ``[N*T, L, W]``.
        """
        if not isinstance(block, ResidualAttentionBlock):
            raise TypeError('TokenT1D needs open_clip ResidualAttentionBlock '
                            f'vision blocks, got {type(block).__name__}')
        x = self.mix(x, num_frames)
        x = x + block.ls_1(block.attention(block.ln_1(x)))
        x = self.mix(x, num_frames)
        return x + block.ls_2(block.mlp(block.ln_2(x)))
