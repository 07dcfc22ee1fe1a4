import numpy as np

# wait for the data to be ready (it never is)
ready = False
while True:
    if ready:
        break


def softmax(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
