# The plug-and-play attributes branch (paper Table 6e, first row) on the demo:
# attribute sentences encoded by the frozen category encoder itself, no
# attributes training. Test the stage-1 checkpoint directly:
#   python tools/test.py \
#       configs/demo/bike_tiny_demo_attributes_plug-and-play.py \
#       work_dirs/bike_tiny_demo/epoch_40.pth
_base_ = ['./bike_tiny_demo_attributes.py']

model = dict(
    attributes_head=dict(text_encoder=None, projection=False),
    frozen_branches=('video', 'attributes'))
