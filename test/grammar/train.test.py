# SYNTAX TEST "source.python" "VRAM Lens hyperparameter keys in Python"
n_layer = 12
# <------- variable.other.hyperparameter.vram-lens
learning_rate = 1e-3
# <------------- - variable.other.hyperparameter.vram-lens
config = LlamaConfig(hidden_size=4096, rope_theta=1e4)
#                    ^^^^^^^^^^^ variable.other.hyperparameter.vram-lens
#                                      ^^^^^^^^^^ - variable.other.hyperparameter.vram-lens
if n_layer == 12:
#  ^^^^^^^ - variable.other.hyperparameter.vram-lens
    pass
