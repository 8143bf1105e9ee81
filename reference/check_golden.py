"""Second opinion on the golden logits: a float64 NumPy forward written differently from llama_reference.py
(explicit per-head, per-position loops; RoPE as explicit pair rotations) must agree with golden.json within 1e-5.
Usage: python3 check_golden.py GOLDEN_DIR"""
import json, sys, math
import numpy as np
sys.path.insert(0, __import__('os').path.dirname(__import__('os').path.abspath(__file__)))
import llama_reference as ref
root=sys.argv[1].rstrip('/')+'/'
for v in ['llama','llama-tied-fp16','llama-rope-llama3-bias','qwen2-bf16','qwen3-sharded']:
    raw=json.load(open(root+v+'/config.json')); g=json.load(open(root+v+'/golden.json'))
    w={k: t.double().numpy() for k,t in ref.load_weights(root+v).items()}
    H=raw['num_attention_heads']; KV=raw.get('num_key_value_heads',H); hid=raw['hidden_size']; hd=raw.get('head_dim') or hid//H
    eps=raw['rms_norm_eps']; theta=raw['rope_theta']; mt=raw['model_type']
    def norm(x, wt): return wt * x / np.sqrt((x*x).mean(-1, keepdims=True)+eps)
    inv = np.array([theta ** (-(2*i)/hd) for i in range(hd//2)])
    rs = raw.get('rope_scaling')
    if rs:
        f, lo, hi, old = rs['factor'], rs['low_freq_factor'], rs['high_freq_factor'], rs['original_max_position_embeddings']
        out=[]
        for fr in inv:
            wl = 2*math.pi/fr
            if wl < old/hi: out.append(fr)
            elif wl > old/lo: out.append(fr/f)
            else:
                s=(old/wl-lo)/(hi-lo); out.append((1-s)*fr/f+s*fr)
        inv=np.array(out)
    def rope(x, p):  # x: [hd], pairs (i, i+hd/2)
        y=x.copy()
        for i in range(hd//2):
            a=p*inv[i]; c,s=math.cos(a),math.sin(a)
            y[i]=x[i]*c - x[i+hd//2]*s; y[i+hd//2]=x[i+hd//2]*c + x[i]*s
        return y
    worst=0
    for seq in g['sequences']:
        ids=seq['ids']; T=len(ids)
        x=w['model.embed_tokens.weight'][ids]
        for L in range(raw['num_hidden_layers']):
            p=f'model.layers.{L}.'
            h=norm(x, w[p+'input_layernorm.weight'])
            def lin(n, t):
                o = t @ w[p+n+'.weight'].T
                return o + w[p+n+'.bias'] if p+n+'.bias' in w else o
            q=lin('self_attn.q_proj',h); k=lin('self_attn.k_proj',h); vv=lin('self_attn.v_proj',h)
            att=np.zeros((T, H*hd))
            for head in range(H):
                kvh = head // (H//KV)
                qs=[q[t, head*hd:(head+1)*hd] for t in range(T)]; ks=[k[t, kvh*hd:(kvh+1)*hd] for t in range(T)]
                if mt=='qwen3':
                    qs=[norm(a, w[p+'self_attn.q_norm.weight']) for a in qs]; ks=[norm(a, w[p+'self_attn.k_norm.weight']) for a in ks]
                qs=[rope(a,t) for t,a in enumerate(qs)]; ks=[rope(a,t) for t,a in enumerate(ks)]
                for t in range(T):
                    sc=np.array([qs[t]@ks[u]/math.sqrt(hd) for u in range(t+1)]); sc=np.exp(sc-sc.max()); sc/=sc.sum()
                    att[t, head*hd:(head+1)*hd] = sum(sc[u]*vv[u, kvh*hd:(kvh+1)*hd] for u in range(t+1))
            x = x + lin('self_attn.o_proj', att)
            h=norm(x, w[p+'post_attention_layernorm.weight'])
            gt=h@w[p+'mlp.gate_proj.weight'].T; up=h@w[p+'mlp.up_proj.weight'].T
            x = x + (gt/(1+np.exp(-gt))*up) @ w[p+'mlp.down_proj.weight'].T
        x=norm(x, w['model.norm.weight'])
        head = w['model.embed_tokens.weight'] if raw.get('tie_word_embeddings') else w['lm_head.weight']
        logits = x @ head.T
        worst=max(worst, np.abs(logits-np.array(seq['logits'])).max())
    print(v, 'max abs diff vs golden', worst)
    assert worst < 1e-5, f'{v}: the two references disagree by {worst}'
