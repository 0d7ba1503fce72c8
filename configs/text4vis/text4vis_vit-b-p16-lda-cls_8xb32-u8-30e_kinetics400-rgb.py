# Text4Vis ViT-B/16 with a frozen LDA classifier fitted on CLIP features of
# 60 training videos per class (Table 6, Appendix C.4). Make it first:
#   python tools/text4vis_lda.py THIS_CONFIG \
#     --out work_dirs/text4vis_k400_lda.npy --per-class 60
# Paper Table 6: 80.8 top-1 single view.
_base_ = ['./text4vis_vit-b-p16_8xb32-u8-30e_kinetics400-rgb.py']

model = dict(
    cls_head=dict(
        classifier='file', classifier_file='work_dirs/text4vis_k400_lda.npy'))
