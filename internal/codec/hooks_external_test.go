package codec_test

import (
	"github.com/mbtgo/mbt/internal/codec"
	"github.com/mbtgo/mbt/model"
)

// The codec looks for model.Keyer and model.Cloner through interfaces of
// its own (model imports codec, not the other way round). These
// assignments stop compiling if the two ever differ.
var (
	_ codec.Keyer       = model.Keyer(nil)
	_ model.Keyer       = codec.Keyer(nil)
	_ codec.Cloner[int] = model.Cloner[int](nil)
	_ model.Cloner[int] = codec.Cloner[int](nil)
)
